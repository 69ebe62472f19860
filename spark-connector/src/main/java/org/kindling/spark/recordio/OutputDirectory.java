package org.kindling.spark.recordio;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.kindling.io.source.AtomicOutput;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.StoreEntry;
import org.kindling.spark.HadoopFiles;

/**
 * The driver's work on the output directory of a {@code format("recordio")} write, on any store:
 * whether it exists, emptying it ({@code overwrite}), the names in it (part numbers, a failed
 * job's parts), deleting a file, and the {@code _SUCCESS} marker. Everything goes through the
 * directory's {@link ByteStore}, so the native {@code s3://} store, which no Hadoop {@code
 * FileSystem} reaches, works as the others do; the Hadoop file system ({@link #fileSystem()},
 * null on native S3) is kept for what only it does: creating directories, deleting a tree in one
 * call, and the staged commit's renames and S3A's magic committer.
 */
final class OutputDirectory {
  /** The marker of a finished write. */
  static final String SUCCESS = "_SUCCESS";

  private final Path path;
  private final ByteStore store;
  private final FileSystem fs;

  private OutputDirectory(Path path, ByteStore store, FileSystem fs) {
    this.path = path;
    this.store = store;
    this.fs = fs;
  }

  /** The directory {@code dir} on its store, qualified (scheme and authority). */
  static OutputDirectory of(Path dir, Configuration conf) throws IOException {
    ByteStore store = ByteStores.forPath(dir, conf);
    FileSystem fs = ByteStores.isNativeS3(dir, conf) ? null : HadoopFiles.fileSystem(dir, conf);
    return new OutputDirectory(store.qualify(dir), store, fs);
  }

  /** The qualified directory. */
  Path path() {
    return path;
  }

  /** The Hadoop file system of the directory, or null on the native {@code s3://} store. */
  FileSystem fileSystem() {
    return fs;
  }

  /** True if the store writes files under their final names and publishes them on commit. */
  boolean publishesInPlace() throws IOException {
    return store.publishesInPlace(path);
  }

  /**
   * True if the store can leave files prepared for a later completion (native S3: multipart
   * uploads a job commit completes), {@link PreparedCommit}.
   */
  boolean completesPrepared() throws IOException {
    return store.completesPrepared(path);
  }

  /** True if anything exists at the path (on S3: an object under the prefix {@code path/}). */
  boolean exists() throws IOException {
    return store.stat(path) != null;
  }

  /**
   * Makes the directory exist where directories are real (on S3 it is there as soon as an
   * object under it is).
   *
   * @throws IOException naming the directory if it cannot be created
   */
  void create() throws IOException {
    if (fs != null && !fs.mkdirs(path)) {
      throw new IOException("cannot create directory " + path);
    }
  }

  /**
   * Deletes the directory and everything under it.
   *
   * @throws IOException naming the path if something cannot be deleted
   */
  void deleteAll() throws IOException {
    if (fs != null) {
      if (!fs.delete(path, true) && fs.exists(path)) {
        throw new IOException("cannot delete " + path + " to overwrite it");
      }
      return;
    }
    deleteTree(path);
  }

  /** Deletes every file under {@code dir}, depth first (S3 has no directories to delete). */
  private void deleteTree(Path dir) throws IOException {
    for (StoreEntry e : store.list(dir)) {
      if (e.directory()) {
        deleteTree(e.path());
      } else {
        store.delete(e.path());
      }
    }
  }

  /** The names directly inside the directory (none if it does not exist), in no order. */
  List<String> names() throws IOException {
    List<String> out = new ArrayList<>();
    try {
      for (StoreEntry e : store.list(path)) {
        out.add(e.path().getName());
      }
    } catch (FileNotFoundException e) {
      // no directory: no names
    }
    return out;
  }

  /** Deletes the file {@code name} in the directory, if it is there. */
  void delete(String name) throws IOException {
    store.delete(new Path(path, name));
  }

  /** Writes the empty {@code _SUCCESS} marker, replacing an older one. */
  void markSuccess() throws IOException {
    try (AtomicOutput out = store.create(new Path(path, SUCCESS))) {
      out.commit();
    }
  }
}
