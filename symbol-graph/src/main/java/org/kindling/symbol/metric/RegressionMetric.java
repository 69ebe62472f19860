package org.kindling.symbol.metric;

import java.util.List;
import org.kindling.tensor.Shape;

/**
 * MXNet's per-batch regression errors ({@code MAE}, {@code MSE}, {@code RMSE}): for each
 * (label, prediction) pair, 1-D arrays become {@code (n, 1)} columns, the difference is taken
 * with numpy broadcasting, and the pair's error over all its elements counts as one instance.
 * The value is therefore the mean of per-batch errors, as in MXNet 1.x (for RMSE, not the root
 * of the overall mean square).
 */
abstract class RegressionMetric extends SumMetric {
  RegressionMetric(String name) {
    super(name);
  }

  /** The error of one pair from its element-wise differences. */
  abstract double batchError(double[] differences);

  @Override
  final void accept(List<Host> labels, List<Host> predictions) {
    forEachPair(labels, predictions, (label, pred) -> {
      double[] d;
      try {
        d = Broadcast.difference(label.data(), column(label.shape()), pred.data(),
            column(pred.shape()));
      } catch (IllegalArgumentException e) {
        throw error("labels " + label.shape() + " and predictions " + pred.shape() + ": "
            + e.getMessage());
      }
      add(batchError(d), 1);
    });
  }

  private static Shape column(Shape s) {
    return s.ndim() == 1 ? Shape.of(s.get(0), 1) : s;
  }

  /** The mean of the squares (NaN for none, as numpy's mean of nothing). */
  static double meanSquare(double[] d) {
    double s = 0;
    for (double x : d) {
      s += x * x;
    }
    return s / d.length;
  }
}
