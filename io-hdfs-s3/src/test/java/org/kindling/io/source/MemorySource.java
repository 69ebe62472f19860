package org.kindling.io.source;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ByteSource} over bytes in memory that records the buffers it was asked to fill and
 * fails reads at or after {@code failFrom} (never, when negative).
 */
class MemorySource implements ByteSource {
  final byte[] data;
  final long failFrom;
  final Set<byte[]> buffers = Collections.synchronizedSet(
      Collections.newSetFromMap(new IdentityHashMap<>()));
  final AtomicInteger reads = new AtomicInteger();
  volatile boolean closed;

  MemorySource(byte[] data, long failFrom) {
    this.data = data;
    this.failFrom = failFrom;
  }

  @Override
  public String name() {
    return "mem://test";
  }

  @Override
  public long size() {
    return data.length;
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length)
      throws IOException {
    reads.incrementAndGet();
    buffers.add(buffer);
    if (failFrom >= 0 && position + length > failFrom) {
      throw new IOException(name() + "@" + position + ": injected failure");
    }
    if (position + length > data.length) {
      throw new java.io.EOFException(name() + "@" + position + ": past the end");
    }
    System.arraycopy(data, (int) position, buffer, offset, length);
  }

  @Override
  public void close() {
    closed = true;
  }

  static byte[] bytes(java.util.Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static byte[] slice(byte[] b, long from, long to) {
    return Arrays.copyOfRange(b, (int) from, (int) to);
  }
}
