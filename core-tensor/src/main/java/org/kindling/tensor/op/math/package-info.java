/**
 * Element-wise math operators of MXNet 1.9.1: the equal-shape binary operators
 * ({@code elemwise_*}, {@code _mod}, {@code _power}, {@code _equal}, ...), the
 * {@code broadcast_*} family with NumPy broadcasting, the {@code _*_scalar} family, the unary
 * math functions ({@code exp}, {@code relu}, {@code round}, ...), {@code clip}, {@code where},
 * {@code Cast} and {@code add_n}. The families are tables ({@code UnaryFn}'s rows, the
 * {@code ALL} lists of {@code ElemwiseBinary}, {@code BroadcastBinary} and {@code ScalarBinary}
 * over the element functions of {@code BinaryFn}), registered together by {@link
 * org.kindling.tensor.op.math.MathOps}, which also holds typed handles of the members code calls.
 */
package org.kindling.tensor.op.math;
