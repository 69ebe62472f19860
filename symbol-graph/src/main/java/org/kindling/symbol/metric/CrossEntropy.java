package org.kindling.symbol.metric;

/**
 * MXNet's {@code CrossEntropy}: mean of {@code -log(p[label] + eps)} over rows, for
 * probability predictions of shape {@code (N, C)} and class-index labels. {@code eps} defaults
 * to 1e-12 as in MXNet.
 */
public final class CrossEntropy extends AbstractMetric {
  private final double eps;

  /** With MXNet's {@code eps = 1e-12}. */
  public CrossEntropy() {
    this(1e-12);
  }

  /** @param eps added to the probability before the log */
  public CrossEntropy(double eps) {
    super("cross-entropy");
    this.eps = eps;
  }

  @Override
  void updateOne(float[] label, float[] pred, boolean sameShape, int rows, int valid) {
    if (sameShape) {
      throw new IllegalArgumentException(
          "cross-entropy: predictions must be (batch, classes) probabilities");
    }
    int classes = rows == 0 ? 0 : pred.length / rows;
    double loss = 0;
    for (int r = 0; r < valid; r++) {
      int target = (int) label[r];
      if (target < 0 || target >= classes) {
        throw new IllegalArgumentException("cross-entropy: label " + label[r] + " in row " + r
            + " is outside [0, " + classes + ")");
      }
      loss -= Math.log(pred[r * classes + target] + eps);
    }
    add(loss, valid);
  }
}
