package org.kindling.tensor.storage;

import java.nio.ByteBuffer;

/**
 * A buffer of {@link Storage#unpooled}: freed by the collector once unreachable, or now by
 * {@link #free} (the aligned buffer is a slice of a larger direct buffer, which only this
 * object can free).
 */
public final class Unpooled {
  private final ByteBuffer raw;
  private final ByteBuffer buffer;
  private boolean freed;

  Unpooled(ByteBuffer raw, ByteBuffer buffer) {
    this.raw = raw;
    this.buffer = buffer;
  }

  /** The usable bytes (aligned). */
  public ByteBuffer buffer() {
    return buffer;
  }

  /**
   * Frees the memory now (once; later calls do nothing). The caller guarantees that nothing
   * reads or writes {@link #buffer()}, or a view of it, afterwards.
   */
  public synchronized void free() {
    if (!freed) {
      freed = true;
      DirectBuffers.free(raw);
    }
  }
}
