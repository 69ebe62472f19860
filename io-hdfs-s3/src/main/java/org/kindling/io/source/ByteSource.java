package org.kindling.io.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Ranged reads of one immutable object or file: a local or HDFS file, an {@code s3a://} path or an
 * {@code s3://} object. Implementations are safe for concurrent {@link #readFully} calls from
 * several threads (the {@link PrefetchingInputStream} reader threads), each call being one ranged
 * request to the store.
 */
public interface ByteSource extends Closeable {

  /** The file's path or URI, used in every error message. */
  String name();

  /** The size in bytes the object had when it was listed. */
  long size();

  /**
   * Reads exactly {@code length} bytes starting at byte {@code position} of the object into
   * {@code buffer[offset, offset + length)}.
   *
   * @throws java.io.EOFException naming the file and offset if the object ends before {@code
   *     position + length} (truncated or replaced since it was listed)
   * @throws IOException if the store fails; {@link RetryPolicy} decides whether it is transient
   */
  void readFully(long position, byte[] buffer, int offset, int length) throws IOException;

  /**
   * Whether {@link #openRange} is offered: one long request costs this store less than many
   * ranged ones (S3, where every GET is a signed request with a fixed cost at the server).
   * Default false.
   */
  default boolean opensRanges() {
    return false;
  }

  /**
   * Opens one sequential read of bytes {@code [position, end)}, where {@link #opensRanges()}.
   * The stream may end early if the object was truncated; its reader checks the byte count.
   * Closing it before its end drops the rest of the request.
   *
   * @throws IOException if the store fails to open the request
   * @throws UnsupportedOperationException if {@link #opensRanges()} is false
   */
  default InputStream openRange(long position, long end) throws IOException {
    throw new UnsupportedOperationException(name() + ": no sequential range reads");
  }
}
