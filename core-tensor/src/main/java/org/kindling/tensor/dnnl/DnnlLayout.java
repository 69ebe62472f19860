package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.LongPointer;
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

  /**
   * True if any {@code n} consecutive samples of a tensor of {@code batch} samples in layout
   * {@code whole} are a tensor in layout {@code part}, sample {@code i} taking the {@code i}-th
   * {@code 1/batch} of the buffer: both are oneDNN blocked layouts ({@code nChw16c}, {@code
   * nhwc} and the like) of the same element type, strides and inner blocks, with the batch (axis
   * 0) outermost, dense, neither padded nor blocked, and the other dimensions alike. Then a
   * sub-batch of a value kept in {@code whole} is a contiguous slice of its buffer ({@link
   * SubBatchKernel}).
   */
  static boolean sampleSlice(Layout whole, int batch, Layout part, int n) {
    if (!(whole instanceof DnnlLayout w) || !(part instanceof DnnlLayout p)) {
      return false;
    }
    memory.desc a = w.desc;
    memory.desc b = p.desc;
    int nd = a.get_ndims();
    int blocked = memory.format_kind.blocked.value; // JavaCPP's enums compare by value
    if (nd < 1 || b.get_ndims() != nd || a.get_format_kind().value != blocked
        || b.get_format_kind().value != blocked
        || a.get_data_type().value != b.get_data_type().value || a.get_submemory_offset() != 0
        || b.get_submemory_offset() != 0) {
      return false;
    }
    LongPointer ad = a.get_dims();
    LongPointer bd = b.get_dims();
    LongPointer ap = a.get_padded_dims();
    LongPointer bp = b.get_padded_dims();
    LongPointer ao = a.get_padded_offsets();
    LongPointer bo = b.get_padded_offsets();
    LongPointer as = a.get_strides();
    LongPointer bs = b.get_strides();
    if (ad.get(0) != batch || bd.get(0) != n || ap.get(0) != batch || bp.get(0) != n) {
      return false;
    }
    for (int i = 0; i < nd; i++) {
      if (i > 0 && (ad.get(i) != bd.get(i) || ap.get(i) != bp.get(i))
          || ao.get(i) != 0 || bo.get(i) != 0 || as.get(i) != bs.get(i)) {
        return false;
      }
    }
    int blocks = a.get_inner_nblks();
    if (b.get_inner_nblks() != blocks) {
      return false;
    }
    for (int i = 0; i < blocks; i++) {
      if (a.get_inner_blks().get(i) != b.get_inner_blks().get(i)
          || a.get_inner_idxs().get(i) != b.get_inner_idxs().get(i)
          || a.get_inner_idxs().get(i) == 0) {
        return false;
      }
    }
    // dense with the batch outermost: one sample's stride times the samples is the whole size
    long sample = as.get(0) * memory.data_type_size(a.get_data_type());
    return sample > 0 && w.bytes == sample * batch && p.bytes == sample * n;
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
