package org.kindling.symbol.metric;

/**
 * MXNet's {@code RMSE}, named {@code rmse}: the mean over batches of each batch's root mean
 * squared error — MXNet 1.x averages the per-batch roots, which differs from the root of the
 * overall mean square when batches differ (see {@link RegressionMetric} for shapes).
 */
public final class RMSE extends RegressionMetric {
  /** The root mean squared error, averaged per batch. */
  public RMSE() {
    super("rmse");
  }

  @Override
  double batchError(double[] d) {
    return Math.sqrt(meanSquare(d));
  }
}
