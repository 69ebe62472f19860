/**
 * Element-wise math operators of MXNet 1.9.1: the equal-shape binary operators
 * ({@code elemwise_*}, {@code _mod}, {@code _power}, {@code _equal}, ...), the
 * {@code broadcast_*} family with NumPy broadcasting, the {@code _*_scalar} family, the unary
 * math functions ({@code exp}, {@code relu}, {@code round}, ...), {@code clip}, {@code where},
 * {@code Cast} and {@code add_n}. Each family shares a package-private base and an element
 * function enum ({@code BinaryFn}, {@code UnaryFn}); each operator is one small class.
 */
package org.kindling.tensor.op.math;
