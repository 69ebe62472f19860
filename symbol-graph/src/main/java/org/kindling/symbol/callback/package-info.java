/**
 * Training callbacks, as MXNet's {@code mx.callback} and Gluon's estimator event handlers: the
 * {@link org.kindling.symbol.callback.TrainingCallback} interface with its batch-end ({@link
 * org.kindling.symbol.callback.BatchEndParam}) and epoch-end ({@link
 * org.kindling.symbol.callback.EpochEndParam}) events, and the callbacks {@link
 * org.kindling.symbol.callback.Speedometer} (throughput lines), {@link
 * org.kindling.symbol.callback.PeriodicCheckpoint} (MXNet's {@code do_checkpoint}), {@link
 * org.kindling.symbol.callback.EarlyStopping} and {@link
 * org.kindling.symbol.callback.TrainingHistory} (per-epoch metrics as CSV, JSON and a PNG chart).
 *
 * <p>Callbacks see metrics only as {@link org.kindling.symbol.metric.MetricValue}s; the training
 * loop computes them.
 */
package org.kindling.symbol.callback;
