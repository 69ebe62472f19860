package org.kindling.symbol.metric;

import java.util.List;

/**
 * {@code -log(p[label] + eps)} summed over rows of {@code (batch, classes)} probabilities, one
 * instance per row: MXNet's {@code CrossEntropy} and {@code NegativeLogLikelihood}, which
 * compute the same thing under different names.
 */
abstract class PickedLogLoss extends SumMetric {
  private final double eps;

  PickedLogLoss(String name, double eps) {
    super(name);
    this.eps = eps;
  }

  /** The constant added to the probability before the log. */
  public final double eps() {
    return eps;
  }

  @Override
  final void accept(List<Host> labels, List<Host> predictions) {
    forEachPair(labels, predictions, (label, pred) -> {
      if (pred.shape().ndim() != 2) {
        throw error("predictions must be (batch, classes) probabilities, got " + pred.shape());
      }
      int rows = pred.shape().get(0);
      int classes = pred.shape().get(1);
      if (label.size() != rows) {
        throw error("labels " + label.shape() + " hold " + label.size() + " values for "
            + rows + " prediction rows");
      }
      double loss = 0;
      for (int r = 0; r < rows; r++) {
        // numpy's int64 conversion truncates
        long target = (long) label.data()[r];
        if (target < 0 || target >= classes) {
          throw error("label " + label.data()[r] + " in row " + r + " is outside [0, "
              + classes + ")");
        }
        loss -= Math.log(pred.data()[r * classes + (int) target] + eps);
      }
      add(loss, rows);
    });
  }
}
