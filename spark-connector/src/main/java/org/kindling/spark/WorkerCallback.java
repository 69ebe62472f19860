package org.kindling.spark;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.kindling.symbol.callback.BatchEndParam;
import org.kindling.symbol.callback.EpochEndParam;
import org.kindling.symbol.callback.TrainingCallback;
import org.kindling.symbol.metric.EvalMetric;
import org.kindling.symbol.module.Module;

/**
 * A worker's part in {@code Module.fit}: every {@code --disp-batches} batches a progress report,
 * after each epoch the epoch-end report (rank 0's with its auxiliary states), each carrying the
 * epoch's metric sums so far, which the driver adds up over the workers.
 */
final class WorkerCallback implements TrainingCallback {
  private final int rank;
  private final int steps;
  private final int batchSize;
  private final int dispBatches;
  private final List<EvalMetric> metrics;
  private final TaskReporter reporter;
  private final Module module;
  private final LongSupplier nanoClock;
  private long epochStart;

  /**
   * @param metrics the metrics {@code fit} updates (the children of its composite), read for
   *     their sums
   */
  WorkerCallback(int rank, int steps, TrainConfig config, List<EvalMetric> metrics,
      TaskReporter reporter, Module module, LongSupplier nanoClock) {
    this.rank = rank;
    this.steps = steps;
    this.batchSize = config.batchSize();
    this.dispBatches = config.dispBatches();
    this.metrics = List.copyOf(metrics);
    this.reporter = reporter;
    this.module = module;
    this.nanoClock = nanoClock;
    this.epochStart = nanoClock.getAsLong();
  }

  @Override
  public void batchEnd(BatchEndParam p) {
    int step = p.nbatch() + 1;
    if (step % dispBatches == 0 && step < steps) {
      reporter.report(report(false, p.epoch() + 1, step, null));
    }
  }

  @Override
  public Action epochEnd(EpochEndParam p) {
    // every worker keeps its own moving statistics, as in MXNet; the checkpoint gets rank 0's
    byte[] aux = rank == 0 && !p.auxParams().isEmpty()
        ? EpochCheckpointer.paramsBytes(Map.of(), p.auxParams()) : null;
    // Module.update pulled every key synchronously, so the server has applied this epoch's
    // last round for every key; rank 0 is held in epochEnd while the driver snapshots.
    reporter.epochEnd(report(true, p.epoch() + 1, steps, aux), module);
    epochStart = nanoClock.getAsLong();
    return Action.CONTINUE;
  }

  private WorkerReport report(boolean end, int epoch, int step, byte[] aux) {
    return new WorkerReport(end, epoch, step, steps, (long) step * batchSize,
        MetricTotals.sums(metrics), MetricTotals.counts(metrics),
        (nanoClock.getAsLong() - epochStart) / 1e9, aux);
  }
}
