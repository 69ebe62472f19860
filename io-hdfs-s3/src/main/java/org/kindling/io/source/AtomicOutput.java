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

  /**
   * Finishes writing and stores the bytes without publishing them: nothing is visible under the
   * final name until the store's {@link ByteStore#complete} is called with the result, in this
   * JVM or another (a task prepares, its job's driver completes every file at once), and {@link
   * ByteStore#abort} discards them. After this, {@link #close()} does nothing. Only stores whose
   * {@link ByteStore#completesPrepared} is true support it (native S3: the multipart upload is
   * left uncompleted, a small file as one part).
   *
   * @throws IOException naming the final path if storing fails (nothing is then left behind)
   * @throws IllegalStateException if already committed, prepared or closed
   * @throws UnsupportedOperationException if the store cannot defer publication
   */
  default PendingFile prepare() throws IOException {
    throw new UnsupportedOperationException(this + ": this store publishes only on commit()");
  }

  /** Aborts unless committed; idempotent. */
  @Override
  void close() throws IOException;
}
