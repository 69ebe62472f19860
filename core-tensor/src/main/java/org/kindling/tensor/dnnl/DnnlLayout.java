package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.memory;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Layout;

/**
 * A oneDNN memory layout as an executor's {@link Layout} token: the primitive's descriptor
 * ({@code nChw16c} and the like) and its size in bytes, which counts the channels padded to whole
 * blocks. Two tokens are equal when their descriptors are (oneDNN's {@code operator==}).
 */
final class DnnlLayout implements Layout {
  final memory.desc desc;
  private final long bytes;

  private DnnlLayout(memory.desc desc) {
    this.desc = desc;
    this.bytes = desc.get_size();
  }

  /** {@code inner} as a token, or {@link Layout#ROW_MAJOR} if it is the caller's {@code user}. */
  static Layout of(memory.desc inner, memory.desc user) {
    return inner.equals(user) ? ROW_MAJOR : new DnnlLayout(inner);
  }

  /** True if {@code l} is {@code desc}: a token of that very descriptor. */
  static boolean is(Layout l, memory.desc desc) {
    return l instanceof DnnlLayout d && d.desc.equals(desc);
  }

  @Override
  public long bytes(Shape shape, DType dtype) {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnnlLayout d && d.bytes == bytes && d.desc.equals(desc);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bytes);
  }

  @Override
  public String toString() {
    int n = desc.get_inner_nblks();
    org.bytedeco.javacpp.LongPointer blocks = desc.get_inner_blks();
    org.bytedeco.javacpp.LongPointer idxs = desc.get_inner_idxs();
    StringBuilder s = new StringBuilder("oneDNN blocked");
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? " " : "x").append(blocks.get(i)).append((char) ('a' + idxs.get(i)));
    }
    return s.append(" (").append(bytes).append(" bytes)").toString();
  }
}
