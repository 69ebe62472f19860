package org.kindling.bench.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code delayed:}, with a remote store's first-byte
 * latency and a local disk's bandwidth: every <em>request</em> for data first waits {@value
 * #DELAY_KEY} milliseconds (default 50). A request is
 *
 * <ul>
 *   <li>each positioned read ({@code read(position, ...)}, {@code readFully(position, ...)}): one
 *       ranged request of a {@link org.kindling.io.source.ByteSource}, as a ranged GET on S3; and
 *   <li>the first sequential read of a stream after it was opened or after a seek to another
 *       position: a stream starting there, as a GET from an offset (S3) or a block reader's setup
 *       (HDFS). Reads that continue the stream are not delayed: its bytes arrive at the disk's
 *       rate once the first one has.
 * </ul>
 *
 * <p>An open sends nothing before its first read (as S3A's lazy open); metadata calls (status,
 * listing) are not delayed. The delay is a sleep on the reading thread: it costs no CPU, so what
 * it can cost a consumer is waiting. Used by {@link IoBench}, {@link LenetLatency}, {@link
 * TaskReadLatency} and {@link ShuffleLatency}; register it with {@code fs.delayed.impl} (and
 * {@code fs.delayed.impl.disable.cache=true} when the delay changes between runs of one JVM:
 * Hadoop's cache would hand back the first instance's delay).
 */
public class DelayedFileSystem extends RawLocalFileSystem {
  /** Milliseconds added to every request. */
  public static final String DELAY_KEY = "kindling.bench.delay.ms";

  /** Requests of every instance in this JVM. */
  private static final AtomicLong REQUESTS = new AtomicLong();

  /** Requests of every instance so far: take differences around a run. */
  public static long requests() {
    return REQUESTS.get();
  }

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
    return new FSDataInputStream(new DelayedStream(super.open(f, bufferSize)));
  }

  /** Counts a request and waits the delay. */
  private void request() throws InterruptedIOException {
    REQUESTS.incrementAndGet();
    try {
      Thread.sleep(getConf().getLong(DELAY_KEY, 50));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted in the injected delay");
    }
  }

  /**
   * The local stream with the delays. Positioned reads leave the sequential position where it is
   * (Hadoop's contract), so they do not end a sequential stream.
   */
  private final class DelayedStream extends FSInputStream {
    private final FSDataInputStream in;
    /** Whether a sequential read has started the stream at the current position. */
    private boolean streaming;

    DelayedStream(FSDataInputStream in) {
      this.in = in;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) throws IOException {
      request();
      return in.read(position, buffer, offset, length);
    }

    /** One request for the whole range, however many reads the local file takes. */
    @Override
    public void readFully(long position, byte[] buffer, int offset, int length)
        throws IOException {
      request();
      in.readFully(position, buffer, offset, length);
    }

    @Override
    public void seek(long pos) throws IOException {
      if (pos != in.getPos()) {
        streaming = false;
      }
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
      startStream();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      startStream();
      return in.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      if (n > 0) {
        streaming = false; // a stream from the new position: as a seek forward
      }
      return in.skip(n);
    }

    private void startStream() throws InterruptedIOException {
      if (!streaming) {
        request();
        streaming = true;
      }
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
