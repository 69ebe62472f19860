package org.kindling.io.source;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The stream an {@link AtomicOutput} hands out: writes go through, and {@code close()} only
 * flushes and refuses further writes, so a writer that closes its stream publishes nothing.
 */
final class WriteEndStream extends FilterOutputStream {
  private final String name;
  private boolean ended;

  WriteEndStream(OutputStream out, String name) {
    super(out);
    this.name = name;
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    out.write(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    if (!ended) {
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    if (!ended) {
      out.flush();
      ended = true;
    }
  }

  private void ensureOpen() throws IOException {
    if (ended) {
      throw new IOException("output " + name + " was closed; nothing more can be written");
    }
  }
}
