package org.kindling.io.source;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code flaky:}, whose next {@link #FAILURES} positioned
 * reads fail with a connection reset: a transiently failing Hadoop file system.
 */
public class FlakyFileSystem extends RawLocalFileSystem {
  /** Positioned reads still to fail; tests set it. */
  static final AtomicInteger FAILURES = new AtomicInteger();
  static final AtomicInteger FAILED = new AtomicInteger();

  @Override
  public URI getUri() {
    return URI.create("flaky:///");
  }

  @Override
  public String getScheme() {
    return "flaky";
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    return new FSDataInputStream(new FlakyStream(super.open(f, bufferSize)));
  }

  private static final class FlakyStream extends FSInputStream {
    private final FSDataInputStream in;

    FlakyStream(FSDataInputStream in) {
      this.in = in;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) throws IOException {
      if (FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        FAILED.incrementAndGet();
        throw new java.net.SocketException("Connection reset (injected at offset " + position
            + ")");
      }
      return in.read(position, buffer, offset, length);
    }

    @Override
    public void seek(long pos) throws IOException {
      in.seek(pos);
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
