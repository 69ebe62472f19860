package org.kindling.symbol.callback;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kindling.symbol.metric.MetricValue;

/**
 * The batch-end event, MXNet's {@code BatchEndParam}.
 *
 * @param epoch the epoch, counted from 0 as MXNet's {@code fit} counts
 * @param nbatch the batch just finished, counted from 0 within the epoch
 * @param evalMetric the training metrics' current values (since the epoch start, or since the
 *     last {@code resetLocalMetric}), in the metric's order
 * @param resetLocalMetric forgets the training metrics' sums so far, so that later values cover
 *     only the following batches: MXNet's {@code eval_metric.reset_local()}, which {@link
 *     Speedometer} calls after each line when auto-resetting; a loop that keeps its sums passes a
 *     no-op
 * @param locals whatever else the loop exposes (MXNet passes {@code fit}'s local variables), e.g.
 *     the current batch; may be empty
 */
public record BatchEndParam(int epoch, int nbatch, List<MetricValue> evalMetric,
    Runnable resetLocalMetric, Map<String, Object> locals) {
  /** Copies the list and map; checks the counters. */
  public BatchEndParam {
    if (epoch < 0 || nbatch < 0) {
      throw new IllegalArgumentException("epoch " + epoch + " and nbatch " + nbatch
          + " are counted from 0");
    }
    evalMetric = List.copyOf(evalMetric);
    Objects.requireNonNull(resetLocalMetric, "resetLocalMetric");
    locals = Map.copyOf(locals);
  }

  /** An event without a metric reset hook or locals. */
  public BatchEndParam(int epoch, int nbatch, List<MetricValue> evalMetric) {
    this(epoch, nbatch, evalMetric, () -> { }, Map.of());
  }
}
