package org.kindling.tensor.ops;

import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.math.MathOps;
import org.kindling.tensor.op.math.ScalarParams;

/**
 * Element-wise NDArray math, as MXNet's {@code mx.nd} functions: each call runs the registered
 * operator through {@link Imperative} (one engine operation reading the inputs and writing the
 * output) and returns at once; the result is ready when the engine says so (e.g.
 * {@link NDArray#toFloatArray()} waits).
 *
 * <p>Shape contract: binary operations take two arrays of the same shape (no broadcasting; see
 * the {@code broadcast_*} operators) and return a new array of that shape.
 */
public final class Elementwise {
  private Elementwise() {}

  /**
   * {@code a + b}, element-wise ({@code elemwise_add}).
   *
   * @throws IllegalArgumentException if the shapes differ (both are named) or no kernel computes
   *     the arrays' type
   */
  public static NDArray add(NDArray a, NDArray b) {
    return Imperative.call(MathOps.ELEMWISE_ADD, NoParams.NONE, a, b);
  }

  /** {@code a - b}, element-wise ({@code elemwise_sub}); same contract as {@link #add}. */
  public static NDArray subtract(NDArray a, NDArray b) {
    return Imperative.call(MathOps.ELEMWISE_SUB, NoParams.NONE, a, b);
  }

  /** {@code a * b}, element-wise ({@code elemwise_mul}); same contract as {@link #add}. */
  public static NDArray multiply(NDArray a, NDArray b) {
    return Imperative.call(MathOps.ELEMWISE_MUL, NoParams.NONE, a, b);
  }

  /** {@code a / b}, element-wise IEEE division ({@code elemwise_div}). */
  public static NDArray divide(NDArray a, NDArray b) {
    return Imperative.call(MathOps.ELEMWISE_DIV, NoParams.NONE, a, b);
  }

  /** {@code a + s} ({@code _plus_scalar}): a new array of {@code a}'s shape. */
  public static NDArray addScalar(NDArray a, float s) {
    return Imperative.call(MathOps.PLUS_SCALAR, ScalarParams.of(s), a);
  }

  /** {@code a * s} ({@code _mul_scalar}): a new array of {@code a}'s shape. */
  public static NDArray multiplyScalar(NDArray a, float s) {
    return Imperative.call(MathOps.MUL_SCALAR, ScalarParams.of(s), a);
  }

  /** {@code max(a, 0)} element-wise ({@code relu}; NaN stays NaN): a new array. */
  public static NDArray relu(NDArray a) {
    return Imperative.call(MathOps.RELU, NoParams.NONE, a);
  }

  /**
   * In place {@code dst += src} (same shape); an engine write of {@code dst}. {@code src} may
   * be {@code dst} itself.
   *
   * @throws IllegalArgumentException if the shapes differ
   */
  public static void addTo(NDArray dst, NDArray src) {
    Imperative.invokeInto(OpInstance.of(MathOps.ELEMWISE_ADD, NoParams.NONE), false,
        new NDArray[] {dst, src}, new NDArray[] {dst});
  }

  /** In place {@code dst *= s}; an engine write of {@code dst}. */
  public static void scaleInPlace(NDArray dst, float s) {
    Imperative.invokeInto(OpInstance.of(MathOps.MUL_SCALAR, ScalarParams.of(s)), false,
        new NDArray[] {dst}, new NDArray[] {dst});
  }
}
