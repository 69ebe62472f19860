package org.kindling.tensor.dnnl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Plans a kernel's scratch space: 64-byte aligned slots at fixed offsets of
 * {@link org.kindling.tensor.op.OpContext#workspace()}, where the reordered operands and
 * oneDNN's own scratchpad live during one call. Keeping nothing per call in the kernel itself is
 * what lets one kernel run on two threads at once.
 */
final class Scratch {
  private static final long ALIGN = 64;
  private long bytes;

  /** Reserves {@code size} bytes and returns their offset. */
  long reserve(long size) {
    long at = bytes;
    bytes += (size + ALIGN - 1) / ALIGN * ALIGN;
    return at;
  }

  /** Bytes reserved so far. */
  long bytes() {
    return bytes;
  }

  /** The {@code size} bytes at {@code offset} of {@code workspace}. */
  static ByteBuffer slice(ByteBuffer workspace, long offset, long size) {
    if (offset + size > workspace.capacity()) {
      throw new IllegalStateException("oneDNN kernel needs " + (offset + size)
          + " workspace bytes but got " + workspace.capacity());
    }
    return workspace.duplicate().position((int) offset).limit((int) (offset + size)).slice()
        .order(ByteOrder.nativeOrder());
  }
}
