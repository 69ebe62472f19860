package org.kindling.symbol.metric;

/** True/false positive/negative counts and the F1 score they give (MXNet's private helper). */
final class BinaryCounts implements AveragedMetric.Stats {
  long truePositives;
  long falsePositives;
  long falseNegatives;
  long trueNegatives;

  void add(boolean predictedPositive, boolean labelPositive) {
    if (predictedPositive) {
      if (labelPositive) {
        truePositives++;
      } else {
        falsePositives++;
      }
    } else if (labelPositive) {
      falseNegatives++;
    } else {
      trueNegatives++;
    }
  }

  @Override
  public void clear() {
    truePositives = 0;
    falsePositives = 0;
    falseNegatives = 0;
    trueNegatives = 0;
  }

  @Override
  public long count() {
    return truePositives + falsePositives + falseNegatives + trueNegatives;
  }

  /** {@code 2pr / (p + r)}, with 0 for an empty precision, recall or sum, as MXNet. */
  @Override
  public double score() {
    double p = truePositives + falsePositives > 0
        ? (double) truePositives / (truePositives + falsePositives) : 0;
    double r = truePositives + falseNegatives > 0
        ? (double) truePositives / (truePositives + falseNegatives) : 0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
}
