package org.kindling.symbol.metric;

import java.util.List;

/**
 * MXNet's {@code TopKAccuracy} ({@code top_k_accuracy}, {@code top_k_acc}), named {@code
 * top_k_accuracy_<k>}: the fraction of rows whose label is among the {@code k} highest of its
 * {@code (batch, classes)} prediction row. Ties at the k-th place go to the lower class index
 * (MXNet's {@code argpartition} leaves them unspecified). Labels are read as int32; a label
 * outside the classes never counts.
 */
public final class TopKAccuracy extends SumMetric {
  private final int topK;

  /**
   * @param topK how many of the highest classes count (> 1; use {@link Accuracy} for 1)
   * @throws IllegalArgumentException for {@code topK <= 1}, as MXNet asserts
   */
  public TopKAccuracy(int topK) {
    super("top_k_accuracy_" + topK);
    if (topK <= 1) {
      throw new IllegalArgumentException(
          "top_k_accuracy: top_k must be > 1, got " + topK + "; use accuracy for top_k = 1");
    }
    this.topK = topK;
  }

  @Override
  void accept(List<Host> labels, List<Host> predictions) {
    forEachPair(labels, predictions, (label, pred) -> {
      if (pred.shape().ndim() != 2) {
        throw error("predictions must be (batch, classes), got " + pred.shape());
      }
      int rows = pred.shape().get(0);
      int classes = pred.shape().get(1);
      if (topK > classes) {
        throw error("top_k " + topK + " exceeds the " + classes + " classes of predictions "
            + pred.shape());
      }
      if (label.size() != rows) {
        throw error("labels " + label.shape() + " hold " + label.size() + " values for "
            + rows + " prediction rows");
      }
      long hits = 0;
      for (int r = 0; r < rows; r++) {
        int target = label.intAt(r);
        if (target >= 0 && target < classes && rank(pred.data(), r * classes, classes, target)
            < topK) {
          hits++;
        }
      }
      add(hits, rows);
    });
  }

  /** How many classes of the row rank above {@code target}: higher, or equal and lower index. */
  private static int rank(double[] p, int offset, int classes, int target) {
    double t = p[offset + target];
    int above = 0;
    for (int c = 0; c < classes; c++) {
      double v = p[offset + c];
      if (v > t || (v == t && c < target)) {
        above++;
      }
    }
    return above;
  }
}
