package org.kindling.tensor.dnnl;

import java.util.Arrays;
import org.bytedeco.dnnl.memory.format_tag;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.KernelSignature;

/** Shape and layout rules the oneDNN operators share. */
final class Shapes {
  private Shapes() {}

  /** {@code v}, or {@code n} copies of {@code fill} for MXNet's default {@code ()}. */
  static int[] orDefault(int[] v, int n, int fill) {
    if (v.length != 0) {
      return v.clone();
    }
    int[] r = new int[n];
    Arrays.fill(r, fill);
    return r;
  }

  /** Why an empty tensor stays on the default kernel, or null if none is empty. */
  static String empty(KernelSignature sig) {
    for (Shape s : sig.inShapes()) {
      if (s.size() == 0) {
        return "an empty tensor " + s;
      }
    }
    for (Shape s : sig.outShapes()) {
      if (s.size() == 0) {
        return "an empty tensor " + s;
      }
    }
    return null;
  }

  private static final format_tag[] PLAIN = {format_tag.a, format_tag.ab, format_tag.abc,
      format_tag.abcd, format_tag.abcde, format_tag.abcdef};

  /** The row-major layout of {@code rank} (1 to 6) dimensions: {@code nchw}, {@code goidhw}... */
  static format_tag plain(int rank) {
    return PLAIN[rank - 1];
  }

  /**
   * The layout of weights stored row-major as {@code (in, out, k...)} for oneDNN's dims
   * {@code (out, in, k...)} of {@code rank} (3 to 5), or {@code (g, in/g, out/g, k...)} for
   * {@code (g, out/g, in/g, k...)} of {@code rank} (4 to 6) if {@code grouped}: oneDNN's
   * {@code iohw} and {@code giohw} of any spatial rank.
   */
  static format_tag inputsFirst(int rank, boolean grouped) {
    return grouped
        ? new format_tag[] {format_tag.acbd, format_tag.acbde, format_tag.acbdef}[rank - 4]
        : new format_tag[] {format_tag.bac, format_tag.bacd, format_tag.bacde}[rank - 3];
  }
}
