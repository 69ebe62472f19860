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
}
