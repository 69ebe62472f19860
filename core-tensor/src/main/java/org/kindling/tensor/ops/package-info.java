/**
 * NDArray operations by family ({@link org.kindling.tensor.ops.Elementwise},
 * {@link org.kindling.tensor.ops.Reductions}, {@link org.kindling.tensor.ops.Linalg}), each
 * pushed to the engine with the variables it reads and writes; the OpenBLAS binding
 * {@link org.kindling.tensor.kernel.Blas}; and the naive
 * {@link org.kindling.tensor.ops.ReferenceKernels} that tests use as the oracle.
 */
package org.kindling.tensor.ops;
