package org.kindling.symbol.metric;

import java.util.List;

/**
 * MXNet's {@code Perplexity}, named {@code perplexity}: {@code exp} of the mean negative log
 * probability of the labels, {@code exp(-Σ log max(1e-10, p[label]) / n)}. The probabilities
 * lie along {@code axis} of the predictions (default -1, the last); every other position holds
 * one prediction and takes one label, labels flattened in row-major order. Labels are read as
 * int32 and clipped into the classes (MXNet's {@code pick} in clip mode). Positions whose label
 * equals {@code ignore_label} count neither in the sum nor in {@code n}. The sums are local and
 * global like the others; the exponential is taken when the value is read.
 */
public final class Perplexity extends SumMetric {
  private final Integer ignoreLabel;
  private final int axis;

  /** @param ignoreLabel the label to skip, or null to count every position; axis -1 */
  public Perplexity(Integer ignoreLabel) {
    this(ignoreLabel, -1);
  }

  /**
   * @param ignoreLabel the label to skip, or null to count every position
   * @param axis the axis holding the classes (negative counts from the end)
   */
  public Perplexity(Integer ignoreLabel, int axis) {
    super("perplexity");
    this.ignoreLabel = ignoreLabel;
    this.axis = axis;
  }

  @Override
  double value(double s, long n) {
    return n == 0 ? Double.NaN : Math.exp(s / n);
  }

  @Override
  void accept(List<Host> labels, List<Host> predictions) {
    forEachPair(labels, predictions, (label, pred) -> {
      int a = axis(pred, axis);
      int classes = pred.shape().get(a);
      long inner = pred.shape().sizeFrom(a + 1);
      long positions = classes == 0 ? 0 : pred.size() / classes;
      if (classes == 0 || label.size() != positions) {
        throw error("labels " + label.shape() + " hold " + label.size() + " values but "
            + "predictions " + pred.shape() + " have " + positions + " positions along the "
            + "other axes than " + a);
      }
      double loss = 0;
      long counted = 0;
      for (int g = 0; g < positions; g++) {
        double raw = label.data()[g];
        if (ignoreLabel != null && raw == ignoreLabel) {
          continue;
        }
        int c = Math.max(0, Math.min(classes - 1, label.intAt(g)));
        long outer = g / inner;
        long in = g % inner;
        double p = pred.data()[(int) ((outer * classes + c) * inner + in)];
        loss -= Math.log(Math.max(1e-10, p));
        counted++;
      }
      add(loss, counted);
    });
  }
}
