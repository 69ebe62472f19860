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
  /** {@link #channelBlock()}, read off the descriptor once. */
  private final int channelBlock;

  private DnnlLayout(memory.desc desc) {
    this.desc = desc;
    this.bytes = desc.get_size();
    this.channelBlock = channelBlock(desc);
  }

  /**
   * The channel block of {@code d} if it is a dense {@code nChw<b>c} of float32 with {@code b}
   * dividing the channels, else 0: one inner block on axis 1 ({@code nChw16c}), or none with the
   * channels innermost ({@code nhwc}, which is {@code nChw<C>c}: the layout oneDNN's brgemm
   * convolutions keep between inference layers on AVX-512); strides those of the dense layout,
   * no padding or offsets.
   */
  static int channelBlock(memory.desc d) {
    if (d.get_ndims() != 4 || d.get_format_kind().value != memory.format_kind.blocked.value
        || d.get_data_type().value != memory.data_type.f32.value
        || d.get_submemory_offset() != 0 || d.get_inner_nblks() > 1
        || d.get_inner_nblks() == 1 && d.get_inner_idxs().get(0) != 1) {
      return 0;
    }
    LongPointer dims = d.get_dims();
    LongPointer padded = d.get_padded_dims();
    LongPointer offsets = d.get_padded_offsets();
    LongPointer strides = d.get_strides();
    for (int i = 0; i < 4; i++) {
      if (dims.get(i) != padded.get(i) || offsets.get(i) != 0) {
        return 0;
      }
    }
    long c = dims.get(1);
    long h = dims.get(2);
    long w = dims.get(3);
    long b;
    long channelStride;
    if (d.get_inner_nblks() == 1) {
      b = d.get_inner_blks().get(0);
      channelStride = h * w * b; // between blocks of channels
    } else {
      b = c; // channels innermost: one block of all of them
      channelStride = 1;
    }
    boolean dense = b > 1 && c % b == 0 && strides.get(3) == b && strides.get(2) == w * b
        && (c == b || strides.get(1) == channelStride) && strides.get(0) == c * h * w
        && d.get_size() == dims.get(0) * c * h * w * Float.BYTES;
    return dense && b <= Integer.MAX_VALUE ? (int) b : 0;
  }

  @Override
  public int channelBlock() {
    return channelBlock;
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
