package org.kindling.io.source;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.Path;

/**
 * One storage system behind a URI scheme: what {@link org.kindling.io.split.RecordIOSplit} needs
 * to list a data set and read it by byte ranges, and what writers need to publish a file
 * atomically. {@link ByteStores#forPath} picks the implementation: {@link S3ByteStore} for {@code
 * s3://}, {@link HadoopByteStore} for every scheme Hadoop knows (file, hdfs, s3a, ...).
 */
public interface ByteStore {

  /** {@code path} made absolute and fully qualified (scheme and authority) for this store. */
  Path qualify(Path path) throws IOException;

  /**
   * The file or directory at {@code path}, or {@code null} if there is none. On S3 a key prefix
   * followed by {@code /} under which objects exist is a directory.
   */
  StoreEntry stat(Path path) throws IOException;

  /**
   * The file at {@code path}, or {@code null} if there is none (a directory is none): what a
   * reader that needs a file, such as an {@code .idx} next to its {@code .rec}, asks. The default
   * is {@link #stat}; a store where telling a directory costs a request of its own (S3: a LIST
   * after a HEAD that finds no object) answers from the file's own request.
   */
  default StoreEntry file(Path path) throws IOException {
    StoreEntry e = stat(path);
    return e == null || e.directory() ? null : e;
  }

  /**
   * The files and directories directly inside directory {@code dir}, in no particular order.
   *
   * @throws java.io.FileNotFoundException if {@code dir} does not exist
   */
  List<StoreEntry> list(Path dir) throws IOException;

  /**
   * Deletes file {@code path}; nothing happens if there is none.
   *
   * @throws IOException naming the path if it exists and cannot be deleted
   */
  void delete(Path path) throws IOException;

  /** Opens {@code file} (as listed, with its size) for ranged reads. */
  ByteSource open(StoreEntry file) throws IOException;

  /**
   * Starts writing {@code path}: nothing is visible under that name until {@link
   * AtomicOutput#commit()}, and closing without committing leaves no object or file behind.
   */
  AtomicOutput create(Path path) throws IOException;

  /**
   * True if {@link #create} writes the final name directly and publishes it whole on commit (an
   * object store: S3, s3a, where a rename is a copy), false if it writes a temporary name and
   * renames it (HDFS, local files). A job publishing many files stages them in a directory it
   * renames into place only where renaming is cheap.
   */
  boolean publishesInPlace(Path path) throws IOException;

  /**
   * True if outputs of {@code path} can be {@link AtomicOutput#prepare() prepared} and completed
   * later by {@link #complete} (native S3: an uncompleted multipart upload). A job publishing many
   * files on such a store keeps them all invisible until its commit, without copying a byte.
   */
  default boolean completesPrepared(Path path) throws IOException {
    return false;
  }

  /**
   * Publishes a file {@link AtomicOutput#prepare() prepared} on this store (perhaps in another
   * JVM) under its final name, replacing an older file there.
   *
   * @throws IOException naming the file if it cannot be published
   */
  default void complete(PendingFile file) throws IOException {
    throw new UnsupportedOperationException(this + " does not complete prepared files");
  }

  /**
   * Discards a prepared file; nothing happens if it is already gone (completed or aborted).
   *
   * @throws IOException naming the file if it cannot be discarded
   */
  default void abort(PendingFile file) throws IOException {
    throw new UnsupportedOperationException(this + " does not complete prepared files");
  }

  /**
   * The prepared files not yet completed nor aborted directly inside directory {@code dir} whose
   * names start with {@code namePrefix}, whoever prepared them (on S3: the multipart uploads in
   * progress under that key prefix), for a job to abort what its lost tasks left behind. Their
   * sizes are unknown; they can only be aborted.
   */
  default List<PendingFile> pending(Path dir, String namePrefix) throws IOException {
    return List.of();
  }
}
