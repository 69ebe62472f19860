/**
 * Declarative graphs as in MXNet: {@link org.kindling.symbol.Symbol} (build, infer shapes, read
 * and write MXNet's symbol JSON) and {@link org.kindling.symbol.Executor} (a symbol bound to
 * arrays, running forward and backward on the engine).
 *
 * <p>Subpackages: {@code op} (the operator registry and kernels), {@code graph} (nodes and the
 * graph passes: shape inference, gradient, fusion, memory planning, JSON), {@code optimizer},
 * {@code init}, {@code metric}, {@code module} (the training loop unit), {@code callback}
 * (batch- and epoch-end callbacks) and {@code kvstore} (the store API).
 */
package org.kindling.symbol;
