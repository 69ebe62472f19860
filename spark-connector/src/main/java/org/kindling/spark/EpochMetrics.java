package org.kindling.spark;

/**
 * What one epoch of training achieved, as written to {@code PREFIX-metrics.csv}.
 *
 * @param epoch the epoch, 1-based (its checkpoint is {@code PREFIX-%04d.params} of this number)
 * @param trainAccuracy accuracy on the training batches of this epoch, over all workers, each
 *     batch measured before its update (as MXNet's {@code Speedometer} reports it)
 * @param valAccuracy accuracy on the validation data with the weights at the end of the epoch,
 *     or {@code NaN} when no validation data was given
 * @param samplesPerSecond training samples per second, summed over the workers
 * @param seconds wall-clock seconds of the epoch (the slowest worker)
 */
public record EpochMetrics(int epoch, double trainAccuracy, double valAccuracy,
    double samplesPerSecond, double seconds) implements java.io.Serializable {

  /** True if validation accuracy was measured. */
  public boolean hasValAccuracy() {
    return !Double.isNaN(valAccuracy);
  }
}
