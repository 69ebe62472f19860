package org.kindling.spark;

import java.util.List;
import org.kindling.kvstore.TrafficSnapshot;

/**
 * The outcome of {@link TrainJob#run}: per-epoch metrics and where the checkpoints are.
 *
 * @param metrics one entry per finished epoch, in order
 * @param modelPrefix the checkpoint prefix ({@code PREFIX-symbol.json}, {@code
 *     PREFIX-%04d.params}), or {@code null} when the job was run without {@code --model-prefix}
 * @param lastEpoch the number of the last checkpoint written (the last finished epoch)
 * @param symbolJson the trained network as MXNet symbol JSON
 * @param params the final parameters as an MXNet {@code .params} file image ({@code arg:name})
 * @param kvTraffic the parameter servers' counters at the end of the job: the driver's and,
 *     with {@code --num-servers}, the key servers' summed (the workers' traffic, per key as
 *     with the driver's server alone), or null for {@code --kvstore local}
 * @param driverTraffic the driver's own server's counters (bytes through the driver's link):
 *     {@code kvTraffic} without key servers, or null for {@code --kvstore local}
 */
public record TrainResult(List<EpochMetrics> metrics, String modelPrefix, int lastEpoch,
    String symbolJson, byte[] params, TrafficSnapshot kvTraffic, TrafficSnapshot driverTraffic) {

  public TrainResult {
    metrics = List.copyOf(metrics);
  }

  /** The metrics of the last epoch. */
  public EpochMetrics last() {
    return metrics.get(metrics.size() - 1);
  }

  /** The checkpoint file of the last epoch, e.g. {@code hdfs://nn/m/mlp-0010.params}, or null. */
  public String lastParamsFile() {
    return modelPrefix == null ? null : Checkpoints.paramsFile(modelPrefix, lastEpoch);
  }
}
