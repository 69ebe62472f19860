/**
 * NDArray math by family, as MXNet's {@code mx.nd} functions: {@link
 * org.kindling.tensor.ops.Elementwise}, {@link org.kindling.tensor.ops.Reductions}, {@link
 * org.kindling.tensor.ops.Linalg}, {@link org.kindling.tensor.ops.Shapes} and {@link
 * org.kindling.tensor.ops.Random}. Each call runs a registered operator through {@link
 * org.kindling.tensor.op.Imperative}: one engine operation that reads its inputs and writes its
 * outputs.
 */
package org.kindling.tensor.ops;
