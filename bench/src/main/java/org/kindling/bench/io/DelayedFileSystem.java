package org.kindling.bench.io;

import java.io.InterruptedIOException;
import java.util.concurrent.atomic.AtomicLong;
import org.kindling.io.source.InjectingFileSystem;

/**
 * The local file system under the scheme {@code delayed:}, whose every positioned read (one
 * ranged request of a {@link org.kindling.io.source.ByteSource}) first waits {@value
 * #DELAY_KEY} milliseconds (default 50): a store with a remote store's latency and a local disk's
 * bandwidth. Used by {@link IoBench}, {@link LenetLatency} and {@link ShuffleLatency}; register it
 * with {@code fs.delayed.impl} (and {@code fs.delayed.impl.disable.cache=true} when the delay
 * changes between runs of one JVM: Hadoop's cache would hand back the first instance's delay).
 */
public class DelayedFileSystem extends InjectingFileSystem {
  /** Milliseconds added to every positioned read. */
  public static final String DELAY_KEY = "kindling.bench.delay.ms";

  /** Positioned reads (requests) of every instance in this JVM. */
  private static final AtomicLong REQUESTS = new AtomicLong();

  /** Positioned reads of every instance so far: take differences around a run. */
  public static long requests() {
    return REQUESTS.get();
  }

  public DelayedFileSystem() {
    super("delayed");
  }

  @Override
  protected void beforePositionedRead(long position) throws InterruptedIOException {
    REQUESTS.incrementAndGet();
    try {
      Thread.sleep(getConf().getLong(DELAY_KEY, 50));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted in the injected delay");
    }
  }
}
