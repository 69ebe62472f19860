/**
 * Optimizers with MXNet 1.9.1's update rules, defaults and parameter names ({@link
 * org.kindling.symbol.optimizer.BaseOptimizer} and its SGD, NAG, Adam, AdamW, RMSProp, AdaGrad,
 * AdaDelta, Signum and LAMB), MXNet's learning-rate schedules ({@link
 * org.kindling.symbol.optimizer.LRScheduler}), their one-line text specs ({@link
 * org.kindling.symbol.optimizer.Optimizers#fromSpec}) and the {@code .states} files of their
 * state (docs/formats.md §3.8). The arithmetic is MXNet's update operators
 * ({@code org.kindling.tensor.op.optimizer}).
 */
package org.kindling.symbol.optimizer;
