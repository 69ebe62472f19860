package org.kindling.tensor.dnnl;

import java.util.Arrays;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.KernelSignature;

/** Shape rules the oneDNN operators share. */
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
}
