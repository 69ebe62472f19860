/**
 * MXNet's optimizer update operators ({@code sgd_update}, {@code sgd_mom_update}, ...): the
 * kernels the optimizers run, on the worker and on the KVStore server alike.
 */
package org.kindling.tensor.op.optimizer;
