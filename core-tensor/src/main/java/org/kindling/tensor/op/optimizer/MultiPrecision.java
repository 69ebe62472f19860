package org.kindling.tensor.op.optimizer;

import org.kindling.tensor.DType;
import org.kindling.tensor.Elements;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.TypeSlots;

/**
 * The types of MXNet's multi-precision ({@code mp_}) update operators: the first inputs (the
 * weight and gradient, usually float16) and the output share one type, and every later input
 * (momentum, moments, the float32 master copy of the weight) is float32, as MXNet's
 * {@code MP_InferType}. Kindling's kernels run float16 weights, the type these operators exist
 * for (MXNet's optimizers call them only for float16 weights); their references round the new
 * weight to float16.
 */
final class MultiPrecision {
  private MultiPrecision() {}

  /** MXNet's {@code MP_InferType<n_in, 1, total>}. */
  static void inferTypes(TypeSlots t, int sameTyped) {
    for (int i = sameTyped; i < t.numInputs(); i++) {
      t.assignIn(i, DType.FLOAT32);
    }
    DType w = t.out(0);
    for (int i = 0; i < sameTyped && w == null; i++) {
      w = t.in(i);
    }
    if (w != null) {
      for (int i = 0; i < sameTyped; i++) {
        t.assignIn(i, w);
      }
      t.assignOut(0, w);
    }
  }

  /**
   * True if the first {@code sameTyped} inputs are float16, every later input is float32 and the
   * output has type {@code out}.
   */
  static boolean computes(KernelSignature sig, int sameTyped, DType out) {
    DType[] in = sig.inTypes();
    for (int i = 0; i < in.length; i++) {
      if (in[i] != (i < sameTyped ? DType.FLOAT16 : DType.FLOAT32)) {
        return false;
      }
    }
    return sig.outTypes()[0] == out;
  }

  /** A new weight computed in float and stored as float16 (round to nearest even). */
  static double asHalf(double v) {
    return Elements.halfToFloat(Elements.floatToHalf((float) v));
  }
}
