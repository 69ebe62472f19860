package org.kindling.io.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A file being written that appears under its final name only on {@link #commit()}: a temporary
 * name renamed into place on HDFS and local files, a direct PUT or a multipart upload completed
 * at the end on S3 (where a rename would be a copy). {@link #close()} without a commit aborts:
 * the temporary file is deleted or the multipart upload aborted, and an older file under the
 * final name is left as it was.
 *
 * <p>Not thread-safe: one writer.
 */
public interface AtomicOutput extends Closeable {

  /**
   * Where the bytes go. Closing this stream only ends the writing; it publishes nothing, so it
   * may be handed to writers that close their stream.
   */
  OutputStream stream();

  /**
   * Publishes everything written under the final name, replacing an older file there.
   *
   * @throws IOException naming the final path if publishing fails (nothing is then published)
   * @throws IllegalStateException if already committed or closed
   */
  void commit() throws IOException;

  /** Aborts unless committed; idempotent. */
  @Override
  void close() throws IOException;
}
