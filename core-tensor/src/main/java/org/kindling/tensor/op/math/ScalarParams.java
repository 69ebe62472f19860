package org.kindling.tensor.op.math;

import org.kindling.tensor.op.Param;

/**
 * Parameters of the {@code _*_scalar} operators and {@code smooth_l1} (MXNet 1.9's
 * {@code NumpyBinaryScalarParam}).
 *
 * @param scalar {@code scalar}, default 1; cast to the data's type before use (so a float32 input
 *     meets {@code (float) scalar})
 * @param isInt {@code is_int}, default true: whether the scalar was an integer in Python; with an
 *     integer input and a non-integer scalar the output is float64
 */
public record ScalarParams(double scalar, boolean isInt) {
  static final Param<Double> SCALAR = Param.doubleParam("scalar", 1);
  static final Param<Boolean> IS_INT = Param.boolParam("is_int", true);

  /** {@code scalar} with {@code is_int} left at its default (true), as MXNet's front end writes. */
  public static ScalarParams of(double scalar) {
    return new ScalarParams(scalar, true);
  }

  /** The scalar as a float32 kernel sees it ({@code DType(alpha)} in MXNet). */
  public float floatScalar() {
    return (float) scalar;
  }
}
