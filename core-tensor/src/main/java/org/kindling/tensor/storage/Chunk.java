package org.kindling.tensor.storage;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.Pointer;

/**
 * One block of native memory from the {@link Storage} pool, shared by an NDArray and its views:
 * each holder {@link #retain}s it and {@link #release}s it once, and the last release returns it
 * to the pool. The buffer covers the block's usable bytes (64-byte aligned), in native order.
 */
public final class Chunk {
  private final Storage pool;
  /** Zeros to copy from: a bulk copy runs at memcpy speed. */
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10);

  private final Pointer base;
  private final ByteBuffer buffer;
  private final long bucket;
  private final AtomicInteger holders = new AtomicInteger();

  Chunk(Storage pool, Pointer base, ByteBuffer buffer, long bucket) {
    this.pool = pool;
    this.base = base;
    this.buffer = buffer;
    this.bucket = bucket;
  }

  /** The usable bytes (at least what was requested), position 0, native order. */
  public ByteBuffer buffer() {
    return buffer.duplicate().order(buffer.order());
  }

  /** The pool bucket this chunk belongs to: its usable size in bytes. */
  public long bucket() {
    return bucket;
  }

  Pointer base() {
    return base;
  }

  /** Sets bytes {@code [offset, offset + length)} to zero. */
  public void zero(long offset, long length) {
    if (offset < 0 || length < 0 || offset + length > bucket) {
      throw new IndexOutOfBoundsException("zero " + offset + "+" + length + " of " + bucket);
    }
    int at = (int) offset;
    int end = (int) (offset + length);
    while (at < end) {
      int n = Math.min(ZEROS.capacity(), end - at);
      buffer.put(at, ZEROS, 0, n);
      at += n;
    }
  }

  /** Adds a holder. */
  public Chunk retain() {
    if (holders.getAndIncrement() < 0) {
      throw new IllegalStateException("chunk retained after it was returned to the pool");
    }
    return this;
  }

  /**
   * Drops a holder; the last one returns the chunk to the pool. The caller makes sure no
   * operation still uses the memory (NDArray releases through an engine write).
   */
  public void release() {
    int left = holders.decrementAndGet();
    if (left == 0) {
      holders.set(Integer.MIN_VALUE);
      pool.giveBack(this);
    } else if (left < 0) {
      throw new IllegalStateException("chunk released more often than retained");
    }
  }

  /** Makes the chunk usable again after it was taken from the free list. */
  void revive() {
    holders.set(0);
  }
}
