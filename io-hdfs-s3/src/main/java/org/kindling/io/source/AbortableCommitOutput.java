package org.kindling.io.source;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

/**
 * Atomic commit on a Hadoop object store whose output streams can be aborted (s3a: a rename there
 * is a copy and a delete): the stream writes the final name directly, the store publishes the
 * object only when the stream is closed (a PUT or a completed multipart upload), and an abort
 * discards everything uploaded.
 */
final class AbortableCommitOutput extends SingleCommitOutput {
  private final Path target;
  private final FSDataOutputStream out;
  private final WriteEndStream stream;

  AbortableCommitOutput(Path target, FSDataOutputStream out) {
    super(target.toString());
    this.target = target;
    this.out = out;
    this.stream = new WriteEndStream(out, target.toString());
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  @Override
  void publish() throws IOException {
    try {
      out.close();
    } catch (IOException e) {
      out.abort();
      throw new IOException("cannot publish " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  void discard() {
    out.abort();
  }
}
