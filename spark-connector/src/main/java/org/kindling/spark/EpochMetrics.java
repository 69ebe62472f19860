package org.kindling.spark;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kindling.symbol.metric.MetricValue;

/**
 * What one epoch of training achieved, as the history files record it.
 *
 * @param epoch the epoch, 1-based (its checkpoint is {@code PREFIX-%04d.params} of this number)
 * @param train the training metrics by name over all workers (e.g. {@code accuracy}, {@code
 *     cross-entropy}), each batch measured before its update, as MXNet's {@code fit} does
 * @param val the validation metrics by name with the weights at the end of the epoch, empty
 *     when no validation data was given
 * @param samplesPerSecond training samples per second, summed over the workers
 * @param seconds wall-clock seconds of the epoch (the slowest worker)
 * @param skippedRecords corrupt records the workers skipped in the epoch ({@code
 *     --skip-corrupt}; a record skipped in every epoch counts in each)
 */
public record EpochMetrics(int epoch, Map<String, Double> train, Map<String, Double> val,
    double samplesPerSecond, double seconds, long skippedRecords) implements Serializable {

  /** Copies the maps, keeping their order. */
  public EpochMetrics {
    train = Collections.unmodifiableMap(new LinkedHashMap<>(train));
    val = Collections.unmodifiableMap(new LinkedHashMap<>(val));
  }

  /** An epoch in which no record was skipped. */
  public EpochMetrics(int epoch, Map<String, Double> train, Map<String, Double> val,
      double samplesPerSecond, double seconds) {
    this(epoch, train, val, samplesPerSecond, seconds, 0);
  }

  /** From metric values. */
  static EpochMetrics of(int epoch, List<MetricValue> train, List<MetricValue> val,
      double samplesPerSecond, double seconds, long skippedRecords) {
    return new EpochMetrics(epoch, byName(train), byName(val), samplesPerSecond, seconds,
        skippedRecords);
  }

  private static Map<String, Double> byName(List<MetricValue> values) {
    Map<String, Double> m = new LinkedHashMap<>();
    values.forEach(v -> m.put(v.name(), v.value()));
    return m;
  }

  /** The training {@code accuracy}, or NaN if it was not measured. */
  public double trainAccuracy() {
    return train.getOrDefault("accuracy", Double.NaN);
  }

  /** The validation {@code accuracy}, or NaN if it was not measured. */
  public double valAccuracy() {
    return val.getOrDefault("accuracy", Double.NaN);
  }

  /** True if validation accuracy was measured. */
  public boolean hasValAccuracy() {
    return !Double.isNaN(valAccuracy());
  }
}
