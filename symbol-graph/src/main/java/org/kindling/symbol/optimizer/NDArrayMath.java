package org.kindling.symbol.optimizer;

import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.math.Clip;
import org.kindling.tensor.op.math.MathOps;
import org.kindling.tensor.op.math.ScalarParams;

/**
 * The NDArray arithmetic of MXNet's Python optimizers that call no fused operator (AdaGrad on
 * dense gradients, AdaDelta), operator for operator as Python's {@code NDArray} methods run
 * them: {@code a * s} is {@code _mul_scalar}, {@code a[:] += b} an addition into {@code a}, and
 * so on, each rounding to float32 as MXNet's does. Scalars are Python's doubles, converted as
 * the scalar operators convert them.
 */
final class NDArrayMath {
  private NDArrayMath() {}

  /** {@code a * s}. */
  static NDArray mulScalar(NDArray a, double s) {
    return Imperative.call(MathOps.MUL_SCALAR, ScalarParams.of(s), a);
  }

  /** {@code a + s}. */
  static NDArray plusScalar(NDArray a, double s) {
    return Imperative.call(MathOps.PLUS_SCALAR, ScalarParams.of(s), a);
  }

  /** {@code mx.nd.clip(a, lo, hi)}. */
  static NDArray clip(NDArray a, double lo, double hi) {
    return Imperative.call(Clip.OP, new Clip.Params((float) lo, (float) hi), a);
  }

  /** {@code mx.nd.square(a)}. */
  static NDArray square(NDArray a) {
    return Imperative.call(MathOps.SQUARE, NoParams.NONE, a);
  }

  /** {@code mx.nd.sqrt(a)}. */
  static NDArray sqrt(NDArray a) {
    return Imperative.call(MathOps.SQRT, NoParams.NONE, a);
  }

  /** {@code dst[:] += src}. */
  static void addInPlace(NDArray dst, NDArray src) {
    Imperative.invokeInto(OpInstance.of(MathOps.ELEMWISE_ADD, NoParams.NONE), false,
        new NDArray[] {dst, src}, new NDArray[] {dst});
  }

  /** {@code dst[:] -= src}. */
  static void subtractInPlace(NDArray dst, NDArray src) {
    Imperative.invokeInto(OpInstance.of(MathOps.ELEMWISE_SUB, NoParams.NONE), false,
        new NDArray[] {dst, src}, new NDArray[] {dst});
  }

  /** {@code dst[:] *= s}. */
  static void mulScalarInPlace(NDArray dst, double s) {
    Imperative.invokeInto(OpInstance.of(MathOps.MUL_SCALAR, ScalarParams.of(s)), false,
        new NDArray[] {dst}, new NDArray[] {dst});
  }
}
