package org.kindling.spark;

import java.util.ArrayList;
import java.util.List;
import org.kindling.symbol.metric.EvalMetric;
import org.kindling.symbol.metric.Metrics;
import org.kindling.symbol.metric.MetricValue;
import org.kindling.symbol.spec.Spec;

/**
 * The job's metrics over all workers: each worker reports every metric's sum and instance count
 * ({@link WorkerReport}); the driver adds them up and lets a fresh metric of the same spec turn
 * the totals into a value ({@link EvalMetric#merge}), so perplexity, say, is {@code exp} of the
 * summed loss over the summed count, not an average of the workers' values.
 */
final class MetricTotals {
  private MetricTotals() {}

  /**
   * The values of {@code specs} for the given totals, in order.
   *
   * @throws IllegalArgumentException if the arrays do not have one entry per spec
   */
  static List<MetricValue> values(List<Spec> specs, double[] sums, long[] counts) {
    if (sums.length != specs.size() || counts.length != specs.size()) {
      throw new IllegalArgumentException("reports carry " + sums.length + " metric sums but the"
          + " job has " + specs.size() + " metrics " + specs);
    }
    List<MetricValue> out = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      EvalMetric m = Metrics.create(specs.get(i));
      m.merge(sums[i], counts[i]);
      out.add(m.get());
    }
    return out;
  }

  /** Each metric's local sum, in order. */
  static double[] sums(List<EvalMetric> metrics) {
    return metrics.stream().mapToDouble(EvalMetric::sumMetric).toArray();
  }

  /** Each metric's local instance count, in order. */
  static long[] counts(List<EvalMetric> metrics) {
    return metrics.stream().mapToLong(EvalMetric::numInst).toArray();
  }
}
