package org.kindling.spark;

import java.io.Serializable;
import java.util.List;

/**
 * What one training task returns to the driver when it finishes.
 *
 * @param rank the worker's rank
 * @param records records in the worker's part of the data
 * @param stepsPerEpoch the agreed number of steps per epoch
 * @param samples samples trained on over all epochs
 * @param metrics per-epoch metrics measured in the task ({@code --kvstore local}; empty for
 *     {@code dist_sync}, where the driver measures them)
 * @param params the last epoch's {@code .params} image ({@code local} only), or null
 */
record TaskOutcome(int rank, long records, int stepsPerEpoch, long samples,
    List<EpochMetrics> metrics, byte[] params) implements Serializable {

  TaskOutcome {
    metrics = List.copyOf(metrics);
  }
}
