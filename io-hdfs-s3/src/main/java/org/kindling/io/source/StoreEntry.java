package org.kindling.io.source;

import java.util.Objects;
import org.apache.hadoop.fs.Path;

/**
 * A file (or object) or a directory (or common key prefix) found by a {@link ByteStore}.
 *
 * @param path the fully qualified path ({@code file:/...}, {@code hdfs://...}, {@code s3://b/k})
 * @param size bytes of a file; 0 for a directory
 * @param directory true for a directory or an S3 common prefix
 */
public record StoreEntry(Path path, long size, boolean directory) {
  public StoreEntry {
    Objects.requireNonNull(path, "path");
    if (size < 0) {
      throw new IllegalArgumentException(path + ": negative size " + size);
    }
  }

  /** A file of {@code size} bytes. */
  public static StoreEntry file(Path path, long size) {
    return new StoreEntry(path, size, false);
  }

  /** A directory. */
  public static StoreEntry directory(Path path) {
    return new StoreEntry(path, 0, true);
  }
}
