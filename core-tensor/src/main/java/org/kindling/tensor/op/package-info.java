/**
 * The operator registry and what kernels see, as MXNet's operator registration and
 * {@code FCompute}: {@link org.kindling.tensor.op.OpDef} (one class per operator, or per family of
 * operators that differ only in data: parameters, shapes, types, in-place options, backward
 * dependencies, kernels, float64 reference, test samples), {@link
 * org.kindling.tensor.op.OpRegistry} (operators, {@link org.kindling.tensor.op.OpFamily}
 * families and backends found as services),
 * {@link org.kindling.tensor.op.Kernel} with {@link org.kindling.tensor.op.TensorView}s, and
 * {@link org.kindling.tensor.op.Imperative}, which runs an operator on NDArrays. Graph nodes,
 * NDArray math, optimizers and the KVStore all run these operators and kernels.
 */
package org.kindling.tensor.op;
