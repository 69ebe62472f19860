package org.kindling.io.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.HadoopFiles;

/**
 * Picks the {@link ByteStore} of a path: the native {@link S3ByteStore} for {@code s3://} (unless
 * {@value #S3_NATIVE_KEY} is false, which hands {@code s3://} to whatever Hadoop file system is
 * configured for it, as on EMR), and {@link HadoopByteStore} for every other scheme, a path
 * without one resolving against {@code fs.defaultFS} as everywhere in Hadoop.
 */
public final class ByteStores {
  public static final String S3_NATIVE_KEY = "kindling.s3.native";

  private ByteStores() {}

  /** The store that holds {@code path}. */
  public static ByteStore forPath(Path path, Configuration conf) throws IOException {
    if (isNativeS3(path, conf)) {
      return S3ByteStore.of(S3Settings.fromConf(conf), RetryPolicy.fromConf(conf));
    }
    return new HadoopByteStore(HadoopFiles.fileSystem(path, conf));
  }

  /**
   * True if {@code path} goes to the native {@link S3ByteStore} ({@code s3://} unless {@value
   * #S3_NATIVE_KEY} is false), which no Hadoop {@code FileSystem} reaches: code that needs one
   * (renames, recursive deletes, committers) must do without.
   */
  public static boolean isNativeS3(Path path, Configuration conf) {
    return "s3".equalsIgnoreCase(path.toUri().getScheme()) && conf.getBoolean(S3_NATIVE_KEY, true);
  }

  /** Opens {@code file} of {@code store} for ranged reads retried under {@code conf}'s policy. */
  public static ByteSource open(ByteStore store, StoreEntry file, Configuration conf)
      throws IOException {
    return new RetryingByteSource(store.open(file), RetryPolicy.fromConf(conf));
  }

  /**
   * Starts an atomic write of {@code path} on its store: rename on HDFS and local files, a PUT or
   * multipart upload completed at commit on S3 (s3:// and s3a://).
   */
  public static AtomicOutput create(Path path, Configuration conf) throws IOException {
    return forPath(path, conf).create(path);
  }

  /**
   * Opens {@code file} on its store ({@code s3://} included) for one sequential read from its
   * start, retried under {@code conf}'s policy and read ahead with the store's {@link
   * ReadOptions}: for the small inputs tools read whole ({@code .lst} lists, IDX files), which
   * must come from the same stores as the data sets ({@link #forPath}).
   *
   * @throws FileNotFoundException naming {@code file} if there is no file there (a directory is
   *     none)
   */
  public static InputStream openSequential(Path file, Configuration conf) throws IOException {
    ByteStore store = forPath(file, conf);
    Path qualified = store.qualify(file);
    StoreEntry entry = store.file(qualified);
    if (entry == null) {
      throw new FileNotFoundException(file + ": no such file");
    }
    return new PrefetchingInputStream(open(store, entry, conf), 0, entry.size(),
        ReadOptions.forFile(qualified, conf));
  }
}
