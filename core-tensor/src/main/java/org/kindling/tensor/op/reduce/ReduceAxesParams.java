package org.kindling.tensor.op.reduce;

import java.util.Arrays;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.Param;

/**
 * MXNet's {@code ReduceAxesParam}, the parameters of {@code sum}, {@code mean}, {@code prod},
 * {@code nansum}, {@code nanprod}, {@code max} and {@code min}.
 *
 * @param axis {@code axis}: the axes to reduce (negative counts from the end); null ({@code None})
 *     or empty reduces every axis
 * @param keepdims {@code keepdims}: keep reduced axes with extent 1
 * @param exclude {@code exclude}: reduce the axes NOT in {@code axis}
 */
public record ReduceAxesParams(int[] axis, boolean keepdims, boolean exclude) {
  static final Param<int[]> AXIS = Param.tupleParam("axis", new int[0]).optional();
  static final Param<Boolean> KEEPDIMS = Param.boolParam("keepdims", false);
  static final Param<Boolean> EXCLUDE = Param.boolParam("exclude", false);

  /** Copies the axes. */
  public ReduceAxesParams {
    axis = axis == null ? null : axis.clone();
  }

  /** Reduces every axis into shape {@code (1,)} (MXNet's defaults). */
  public static ReduceAxesParams all() {
    return new ReduceAxesParams(null, false, false);
  }

  /** Reduces {@code axes}. */
  public static ReduceAxesParams axes(int... axes) {
    return new ReduceAxesParams(axes, false, false);
  }

  /** A copy with {@code keepdims} set. */
  public ReduceAxesParams withKeepdims(boolean v) {
    return new ReduceAxesParams(axis, v, exclude);
  }

  /** A copy with {@code exclude} set. */
  public ReduceAxesParams withExclude(boolean v) {
    return new ReduceAxesParams(axis, keepdims, v);
  }

  @Override
  public int[] axis() {
    return axis == null ? null : axis.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReduceAxesParams q && Arrays.equals(axis, q.axis)
        && keepdims == q.keepdims && exclude == q.exclude;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(axis) * 31 + (keepdims ? 2 : 0) + (exclude ? 1 : 0);
  }

  @Override
  public String toString() {
    return "(axis=" + (axis == null ? "None" : AttrSyntax.formatTuple(axis)) + ", keepdims="
        + keepdims + ", exclude=" + exclude + ")";
  }
}
