package org.kindling.spark;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.kindling.io.source.AtomicOutput;
import org.kindling.io.source.ByteSource;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.StoreEntry;

/**
 * Small-file reads and atomic writes on any Hadoop {@link FileSystem} (hdfs, file, s3a), the
 * way checkpoints and model directories are stored.
 *
 * <p>An atomic write ({@link org.kindling.io.source.AtomicOutput}) publishes the file only once it
 * is complete, so a reader never sees a half-written checkpoint, even if the driver dies
 * mid-write.
 */
public final class HadoopFiles {

  /** Files larger than this are refused by {@link #readAll}: checkpoints are read whole. */
  public static final long MAX_READ_BYTES = Integer.MAX_VALUE - 64;

  private HadoopFiles() {}

  /**
   * The file system of {@code path}, as the io module resolves it (the local file system raw,
   * without checksum side files that MXNet users would not expect next to a checkpoint).
   */
  public static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
    return org.kindling.io.HadoopFiles.fileSystem(path, conf);
  }

  /**
   * Writes {@code bytes} to {@code target} atomically, replacing an existing file: through the
   * io module's one atomic commit for the target's store (temporary file + rename on HDFS and
   * local files, a PUT or completed multipart upload on S3, never a copy). Parent directories are
   * created.
   *
   * @throws IOException naming the target if the write or the commit fails
   */
  public static void writeAtomically(Path target, byte[] bytes, Configuration conf)
      throws IOException {
    try (AtomicOutput out = ByteStores.create(target, conf)) {
      out.stream().write(bytes);
      out.commit();
    }
  }

  /**
   * Reads a whole file through its store ({@code s3://} included), retried on transient failures.
   *
   * @throws IOException naming the file if it is missing, unreadable or too large
   */
  public static byte[] readAll(Path file, Configuration conf) throws IOException {
    ByteStore store = ByteStores.forPath(file, conf);
    StoreEntry entry = store.stat(store.qualify(file));
    if (entry == null || entry.directory()) {
      throw new java.io.FileNotFoundException(file + ": no such file");
    }
    if (entry.size() > MAX_READ_BYTES) {
      throw new IOException(file + ": " + entry.size() + " bytes is too large to read at once");
    }
    byte[] bytes = new byte[(int) entry.size()];
    try (ByteSource source = ByteStores.open(store, entry, conf)) {
      source.readFully(0, bytes, 0, bytes.length);
    }
    return bytes;
  }

  /** True if {@code file} exists (as a file or directory). */
  public static boolean exists(Path file, Configuration conf) throws IOException {
    ByteStore store = ByteStores.forPath(file, conf);
    return store.stat(store.qualify(file)) != null;
  }

  /** {@code path} fully qualified on its store (scheme, authority, absolute path). */
  public static Path qualify(Path path, Configuration conf) throws IOException {
    return ByteStores.forPath(path, conf).qualify(path);
  }

  /** The names of the files in {@code dir}, sorted (none if it does not exist). */
  public static java.util.List<String> list(Path dir, Configuration conf) throws IOException {
    ByteStore store = ByteStores.forPath(dir, conf);
    java.util.List<String> out = new java.util.ArrayList<>();
    Path qualified = store.qualify(dir);
    StoreEntry entry = store.stat(qualified);
    if (entry == null || !entry.directory()) {
      return out;
    }
    for (StoreEntry e : store.list(qualified)) {
      if (!e.directory()) {
        out.add(e.path().getName());
      }
    }
    java.util.Collections.sort(out);
    return out;
  }

  /**
   * Deletes a file.
   *
   * @throws IOException naming the file if it exists and cannot be deleted
   */
  public static void delete(Path file, Configuration conf) throws IOException {
    ByteStores.forPath(file, conf).delete(file);
  }
}
