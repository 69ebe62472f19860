package org.kindling.symbol.metric;

/**
 * MXNet's {@code MAE}, named {@code mae}: the mean over batches of each batch's mean absolute
 * error (see {@link RegressionMetric} for shapes).
 */
public final class MAE extends RegressionMetric {
  /** The mean absolute error. */
  public MAE() {
    super("mae");
  }

  @Override
  double batchError(double[] d) {
    double s = 0;
    for (double x : d) {
      s += Math.abs(x);
    }
    return s / d.length;
  }
}
