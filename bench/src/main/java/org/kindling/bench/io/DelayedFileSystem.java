package org.kindling.bench.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code delayed:}, whose every positioned read (one
 * ranged request of a {@link org.kindling.io.source.ByteSource}) first waits {@value
 * #DELAY_KEY} milliseconds (default 50): a store with a remote store's latency and a local disk's
 * bandwidth. Used only by {@link IoBench}; register it with {@code fs.delayed.impl}.
 */
public class DelayedFileSystem extends RawLocalFileSystem {
  /** Milliseconds added to every positioned read. */
  public static final String DELAY_KEY = "kindling.bench.delay.ms";

  @Override
  public URI getUri() {
    return URI.create("delayed:///");
  }

  @Override
  public String getScheme() {
    return "delayed";
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    long delayMs = getConf().getLong(DELAY_KEY, 50);
    return new FSDataInputStream(new DelayedStream(super.open(f, bufferSize), delayMs));
  }

  private static final class DelayedStream extends FSInputStream {
    private final FSDataInputStream in;
    private final long delayMs;

    DelayedStream(FSDataInputStream in, long delayMs) {
      this.in = in;
      this.delayMs = delayMs;
    }

    private void delay() throws InterruptedIOException {
      try {
        Thread.sleep(delayMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted in the injected delay");
      }
    }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int length)
        throws IOException {
      delay();
      in.readFully(position, buffer, offset, length);
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) throws IOException {
      delay();
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
