package org.kindling.io.source;

import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local file system under the scheme {@code flaky:}, whose next {@link #FAILURES} positioned
 * reads fail with a connection reset: a transiently failing Hadoop file system.
 */
public class FlakyFileSystem extends InjectingFileSystem {
  /** Positioned reads still to fail; tests set it. */
  static final AtomicInteger FAILURES = new AtomicInteger();
  static final AtomicInteger FAILED = new AtomicInteger();

  public FlakyFileSystem() {
    super("flaky");
  }

  @Override
  protected void beforePositionedRead(long position) throws SocketException {
    if (FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      FAILED.incrementAndGet();
      throw new SocketException("Connection reset (injected at offset " + position + ")");
    }
  }
}
