package org.kindling.symbol.metric;

import java.util.List;
import org.kindling.tensor.NDArray;

/** Sum/count bookkeeping and argument checks shared by the metrics. */
abstract class AbstractMetric implements EvalMetric {
  private final String name;
  private double sum;
  private long count;

  AbstractMetric(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final void update(List<NDArray> labels, List<NDArray> predictions, int pad) {
    if (labels.size() != predictions.size()) {
      throw new IllegalArgumentException(name + ": " + labels.size() + " label arrays but "
          + predictions.size() + " prediction arrays");
    }
    for (int i = 0; i < labels.size(); i++) {
      NDArray label = labels.get(i);
      NDArray pred = predictions.get(i);
      int rows = pred.shape().get(0);
      if (label.shape().get(0) != rows) {
        throw new IllegalArgumentException(name + ": labels " + label.shape()
            + " and predictions " + pred.shape() + " have different batch sizes");
      }
      if (pad < 0 || (rows > 0 && pad >= rows)) {
        throw new IllegalArgumentException(name + ": pad " + pad + " out of range for "
            + rows + " rows");
      }
      if (label.size() != rows && !label.shape().equals(pred.shape())) {
        throw new IllegalArgumentException(name + ": labels must hold one class index per row, "
            + "got " + label.shape() + " for predictions " + pred.shape());
      }
      updateOne(label.toFloatArray(), pred.toFloatArray(), pred.shape().equals(label.shape()),
          rows, rows - pad);
    }
  }

  /**
   * Adds the first {@code valid} of {@code rows} rows.
   *
   * @param sameShape true if the prediction has the label's shape
   */
  abstract void updateOne(float[] label, float[] pred, boolean sameShape, int rows, int valid);

  final void add(double s, long n) {
    sum += s;
    count += n;
  }

  @Override
  public final double sumMetric() {
    return sum;
  }

  @Override
  public final long numInst() {
    return count;
  }

  @Override
  public final void merge(double sumMetric, long numInst) {
    add(sumMetric, numInst);
  }

  @Override
  public final void reset() {
    sum = 0;
    count = 0;
  }

  @Override
  public String toString() {
    return get().toString();
  }
}
