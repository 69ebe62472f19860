package org.kindling.symbol.metric;

/**
 * MXNet's {@code MSE}, named {@code mse}: the mean over batches of each batch's mean squared
 * error (see {@link RegressionMetric} for shapes).
 */
public final class MSE extends RegressionMetric {
  /** The mean squared error. */
  public MSE() {
    super("mse");
  }

  @Override
  double batchError(double[] d) {
    return meanSquare(d);
  }
}
