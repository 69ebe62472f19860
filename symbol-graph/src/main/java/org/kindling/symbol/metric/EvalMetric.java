package org.kindling.symbol.metric;

import java.util.List;
import org.kindling.tensor.NDArray;

/**
 * An evaluation metric accumulated over batches, as MXNet's {@code EvalMetric}: a running sum
 * and an instance count; the value is {@code sum / count} (NaN before any instance). Not
 * thread-safe: use one per training loop and combine with {@link #merge}.
 */
public interface EvalMetric {
  /** The metric's name, e.g. {@code accuracy}. */
  String name();

  /**
   * Adds one batch. Label {@code i} pairs with prediction {@code i}; the last {@code pad} rows of
   * each are padding and are skipped. Waits for the arrays' pending writes.
   *
   * @param labels label arrays, first axis = batch
   * @param predictions prediction arrays, first axis = batch
   * @param pad number of trailing filler rows, in {@code [0, batch)}
   */
  void update(List<NDArray> labels, List<NDArray> predictions, int pad);

  /** {@link #update(List, List, int)} without padding. */
  default void update(List<NDArray> labels, List<NDArray> predictions) {
    update(labels, predictions, 0);
  }

  /** The name and current value. */
  default MetricValue get() {
    long n = numInst();
    return new MetricValue(name(), n == 0 ? Double.NaN : sumMetric() / n);
  }

  /** The running sum (e.g. correct predictions). */
  double sumMetric();

  /** The number of instances seen. */
  long numInst();

  /** Adds another metric's sums, e.g. from another worker. */
  void merge(double sumMetric, long numInst);

  /** Forgets everything seen. */
  void reset();
}
