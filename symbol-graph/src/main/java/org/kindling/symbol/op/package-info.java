/**
 * Operators: each {@link org.kindling.symbol.op.Operator} declares in one class its MXNet name
 * and aliases, typed parameters with MXNet's names and defaults, inputs and outputs, shape
 * inference, forward and backward CPU kernels and a float64 reference kernel.
 * {@link org.kindling.symbol.op.Operators} holds the typed handles;
 * {@link org.kindling.symbol.op.OperatorRegistry} resolves names read from files.
 */
package org.kindling.symbol.op;
