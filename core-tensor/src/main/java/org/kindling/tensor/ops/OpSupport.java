package org.kindling.tensor.ops;

import java.util.ArrayList;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Var;

/** Argument checks and engine plumbing shared by the operator families. */
final class OpSupport {
  private OpSupport() {}

  /** Rejects non-float32 arrays: compute kernels are float32 only. */
  static void requireFloat32(String op, String role, NDArray a) {
    if (a == null) {
      throw new IllegalArgumentException(op + ": " + role + " is null");
    }
    if (a.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(
          op + ": " + role + " " + a.shape() + " is " + a.dtype().numpyName()
              + "; only float32 is supported");
    }
  }

  /** Rejects different shapes, naming both. */
  static void requireSameShape(String op, NDArray a, NDArray b) {
    if (!a.shape().equals(b.shape())) {
      throw new IllegalArgumentException(
          op + ": shapes " + a.shape() + " and " + b.shape() + " differ");
    }
  }

  /** The engine all arrays run on; rejects arrays from different engines. */
  static Engine engineOf(String op, NDArray first, NDArray... rest) {
    Engine e = first.engine();
    for (NDArray a : rest) {
      if (a.engine() != e) {
        throw new IllegalArgumentException(
            op + ": arrays " + first + " and " + a + " belong to different engines");
      }
    }
    return e;
  }

  /**
   * The variables to list as reads: each input's variable once, leaving out those already
   * written (an operation lists a variable it both reads and writes only as a write). Views
   * share their base's variable, so two inputs can have the same one.
   */
  static List<Var> reads(List<Var> writes, NDArray... inputs) {
    List<Var> out = new ArrayList<>(inputs.length);
    for (NDArray a : inputs) {
      Var v = a.var();
      if (!out.contains(v) && !writes.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }
}
