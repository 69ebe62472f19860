package org.kindling.tensor.ops;

import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.reduce.ArgMax;
import org.kindling.tensor.op.reduce.Max;
import org.kindling.tensor.op.reduce.Mean;
import org.kindling.tensor.op.reduce.Min;
import org.kindling.tensor.op.reduce.Norm;
import org.kindling.tensor.op.reduce.ReduceAxesParams;
import org.kindling.tensor.op.reduce.SearchAxisParams;
import org.kindling.tensor.op.reduce.Sum;

/**
 * Reductions on NDArrays through the registered operators ({@code sum}, {@code mean},
 * {@code max}, {@code min}, {@code argmax}, {@code norm}), as MXNet's {@code mx.nd} functions.
 * Axes may be negative (counted from the end); without {@code keepdims} the reduced axes are
 * dropped.
 */
public final class Reductions {
  private Reductions() {}

  /**
   * The sum of all elements, as a double: waits for every write pushed to {@code a} before the
   * call.
   *
   * @throws org.kindling.tensor.engine.EngineException if an operation that wrote {@code a}
   *     failed
   */
  public static double sum(NDArray a) {
    try (NDArray s = Imperative.call(Sum.OP, ReduceAxesParams.all(), a)) {
      return s.toFloatArray()[0];
    }
  }

  /**
   * The sum over {@code axes} as a new array (numpy {@code sum(axis)}, keepdims false); a 1-D
   * input reduced over its axis gives MXNet's {@code (1,)}.
   *
   * @throws IllegalArgumentException if an axis is out of range for {@code a}'s shape
   */
  public static NDArray sum(NDArray a, int... axes) {
    return Imperative.call(Sum.OP, ReduceAxesParams.axes(axes), a);
  }

  /** The mean over {@code axes} (all axes when none are given). */
  public static NDArray mean(NDArray a, int... axes) {
    return Imperative.call(Mean.OP, params(axes), a);
  }

  /** The maximum over {@code axes} (all axes when none are given); NaN propagates. */
  public static NDArray max(NDArray a, int... axes) {
    return Imperative.call(Max.OP, params(axes), a);
  }

  /** The minimum over {@code axes} (all axes when none are given); NaN propagates. */
  public static NDArray min(NDArray a, int... axes) {
    return Imperative.call(Min.OP, params(axes), a);
  }

  /** Index of the first maximum along {@code axis}, as float32 values (MXNet's argmax). */
  public static NDArray argmax(NDArray a, int axis) {
    return Imperative.call(ArgMax.OP, SearchAxisParams.along(axis), a);
  }

  /** The L2 norm of all elements, as MXNet's {@code norm} (a {@code (1,)} array). */
  public static NDArray norm(NDArray a) {
    return Imperative.call(Norm.OP, Norm.Params.defaults(), a);
  }

  private static ReduceAxesParams params(int[] axes) {
    return axes.length == 0 ? ReduceAxesParams.all() : ReduceAxesParams.axes(axes);
  }
}
