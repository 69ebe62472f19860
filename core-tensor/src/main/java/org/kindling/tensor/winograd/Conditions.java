package org.kindling.tensor.winograd;

import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.Convolution.ConvLayout;

/**
 * When a Convolution can run as Winograd F(m x m, 3 x 3): float32, 2-D NCHW, kernel 3x3,
 * stride 1, dilation 1, one group. Padding, batch size and bias are free. The only place
 * these conditions are written.
 */
final class Conditions {
  private Conditions() {}

  /** Why these parameters and tensors cannot run as Winograd, or null if they can. */
  static String refusal(Convolution.Params p, KernelSignature sig) {
    if (!sig.allFloat32()) {
      return "not float32";
    }
    int[] k = p.kernel();
    if (k.length != 2) {
      return "not a 2-D convolution";
    }
    if (p.layout() != null && p.layout() != ConvLayout.NCHW) {
      return "layout " + p.layout().mxName() + " is not NCHW";
    }
    if (k[0] != 3 || k[1] != 3) {
      return "kernel " + k[0] + "x" + k[1] + " is not 3x3";
    }
    if (!allOnes(p.stride())) {
      return "stride is not 1";
    }
    if (!allOnes(p.dilate())) {
      return "dilation is not 1";
    }
    if (p.numGroup() != 1) {
      return "num_group " + p.numGroup() + " is not 1";
    }
    return null;
  }

  /** True for {@code ()} (the default, 1s) or all 1s. */
  private static boolean allOnes(int[] v) {
    for (int x : v) {
      if (x != 1) {
        return false;
      }
    }
    return true;
  }

  /** The padding in effect in dimension {@code d} ({@code ()} means 0). */
  static int pad(Convolution.Params p, int d) {
    int[] pad = p.pad();
    return pad.length == 0 ? 0 : pad[d];
  }
}
