/**
 * MXNet NDArray files ({@code .params}, {@code mx.nd.save}) read and written byte for byte
 * ({@link org.kindling.tensor.io.ParamsFile}), their one-line-per-array listing
 * ({@link org.kindling.tensor.io.ParamsSummary}), C-compatible number formatting
 * ({@link org.kindling.tensor.io.CFormat}) and all-or-nothing local file writes
 * ({@link org.kindling.tensor.io.AtomicFiles}).
 */
package org.kindling.tensor.io;
