package org.kindling.io.source;

import java.io.Serializable;
import org.apache.hadoop.fs.Path;

/**
 * A file whose bytes are stored but which is not yet visible under its final name: what {@link
 * AtomicOutput#prepare()} leaves, for its store's {@link ByteStore#complete} or {@link
 * ByteStore#abort} to finish later, possibly in another JVM (a task prepares, its job's driver
 * completes). Serializable, so a task can hand it to the driver in its result. On S3 it is an
 * in-progress multipart upload: bucket, key, upload id, and each part's number, ETag and size.
 */
public interface PendingFile extends Serializable {

  /** The final name the file appears under when completed (qualified). */
  Path path();

  /** The bytes written, or -1 if unknown (an upload found by {@link ByteStore#pending}). */
  long size();
}
