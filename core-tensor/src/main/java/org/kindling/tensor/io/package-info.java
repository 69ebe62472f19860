/**
 * MXNet NDArray files ({@code .params}, {@code mx.nd.save}) read and written byte for byte
 * ({@link org.kindling.tensor.io.ParamsFile}), their one-line-per-array listing
 * ({@link org.kindling.tensor.io.ParamsSummary}) and C-compatible number formatting
 * ({@link org.kindling.tensor.io.CFormat}).
 */
package org.kindling.tensor.io;
