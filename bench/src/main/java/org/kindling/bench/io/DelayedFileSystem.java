package org.kindling.bench.io;

import java.io.InterruptedIOException;
import org.kindling.io.source.InjectingFileSystem;

/**
 * The local file system under the scheme {@code delayed:}, whose every positioned read (one
 * ranged request of a {@link org.kindling.io.source.ByteSource}) first waits {@value
 * #DELAY_KEY} milliseconds (default 50): a store with a remote store's latency and a local disk's
 * bandwidth. Used only by {@link IoBench}; register it with {@code fs.delayed.impl}.
 */
public class DelayedFileSystem extends InjectingFileSystem {
  /** Milliseconds added to every positioned read. */
  public static final String DELAY_KEY = "kindling.bench.delay.ms";

  public DelayedFileSystem() {
    super("delayed");
  }

  @Override
  protected void beforePositionedRead(long position) throws InterruptedIOException {
    try {
      Thread.sleep(getConf().getLong(DELAY_KEY, 50));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted in the injected delay");
    }
  }
}
