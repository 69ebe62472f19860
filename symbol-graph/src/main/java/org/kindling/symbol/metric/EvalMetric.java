package org.kindling.symbol.metric;

import java.util.List;
import org.kindling.tensor.NDArray;

/**
 * An evaluation metric accumulated over batches, as MXNet 1.9.1's {@code EvalMetric}: a running
 * sum and instance count, twice — local statistics (since the last {@link #reset()} or {@link
 * #resetLocal()}) and global ones (since the last {@link #reset()}). The value is usually
 * {@code sum / count} (NaN before any instance); some metrics transform it (perplexity) or
 * derive it from other counts (F1 micro), see each class. Not thread-safe: use one per training
 * loop. Create by name with {@link Metrics#create}.
 */
public interface EvalMetric {
  /** The metric's name as MXNet reports it, e.g. {@code accuracy}, {@code top_k_accuracy_5}. */
  String name();

  /**
   * Adds one batch. Label {@code i} pairs with prediction {@code i}; the last {@code pad} rows
   * (along axis 0) of each array are padding and are skipped. Waits for the arrays' pending
   * writes. Any element type is read.
   *
   * @param labels label arrays, first axis = batch
   * @param predictions prediction arrays, first axis = batch
   * @param pad number of trailing filler rows, in {@code [0, batch)}
   * @throws IllegalArgumentException naming the metric if the arrays do not fit it
   */
  void update(List<NDArray> labels, List<NDArray> predictions, int pad);

  /** {@link #update(List, List, int)} without padding. */
  default void update(List<NDArray> labels, List<NDArray> predictions) {
    update(labels, predictions, 0);
  }

  /** The name and the value of the local statistics (MXNet's {@code get()}). */
  MetricValue get();

  /** The name and the value of the global statistics (MXNet's {@code get_global()}). */
  MetricValue getGlobal();

  /** All (name, value) pairs: one for a metric, one per child for a composite. */
  default List<MetricValue> getNameValue() {
    return List.of(get());
  }

  /** {@link #getNameValue()} for the global statistics. */
  default List<MetricValue> getGlobalNameValue() {
    return List.of(getGlobal());
  }

  /** The local running sum (e.g. correct predictions). */
  double sumMetric();

  /** The local number of instances (e.g. samples; batches for per-batch metrics). */
  long numInst();

  /**
   * Adds another metric's sums to the local and global statistics, e.g. from another worker.
   *
   * @throws UnsupportedOperationException for metrics whose value is not a function of the sums
   *     (F1 and Pearson correlation averaged {@code micro}, composites)
   */
  void merge(double sumMetric, long numInst);

  /** Forgets everything seen. */
  void reset();

  /** Forgets the local statistics; the global ones stay (MXNet's {@code reset_local()}). */
  void resetLocal();
}
