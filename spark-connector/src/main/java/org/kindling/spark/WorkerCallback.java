package org.kindling.spark;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.kindling.io.image.CorruptRecordCount;
import org.kindling.symbol.callback.BatchEndParam;
import org.kindling.symbol.callback.EpochEndParam;
import org.kindling.symbol.callback.TrainingCallback;
import org.kindling.symbol.metric.EvalMetric;
import org.kindling.symbol.module.Module;

/**
 * A worker's part in {@code Module.fit}: every {@code --disp-batches} batches a progress report,
 * after each epoch the epoch-end report (rank 0's with its auxiliary states), each carrying the
 * epoch's metric sums so far, which the driver adds up over the workers. With {@code
 * --skip-corrupt} the reports also carry the corrupt records skipped in the epoch, and the first
 * {@value #NAMED_SKIPS} distinct skipped records are sent as notes naming their file and offset
 * (the driver prints them as {@code worker R: ...}; a record skipped again in a later epoch is
 * only counted).
 */
final class WorkerCallback implements TrainingCallback {
  /** Skipped records named in notes per worker; the count goes on. */
  static final int NAMED_SKIPS = 10;

  private final int rank;
  private final int steps;
  private final int batchSize;
  private final int dispBatches;
  private final List<EvalMetric> metrics;
  private final TaskReporter reporter;
  private final Module module;
  private final LongSupplier nanoClock;
  private final CorruptRecordCount skips;
  private long epochStart;
  private long skippedBeforeEpoch;
  /** How many of the iterator's descriptions were looked at; the distinct ones sent. */
  private int looked;
  private final Set<String> named = new HashSet<>();

  /**
   * @param metrics the metrics {@code fit} updates (the children of its composite), read for
   *     their sums
   * @param skips the training iterator's count of skipped corrupt records, or null
   */
  WorkerCallback(int rank, int steps, TrainConfig config, List<EvalMetric> metrics,
      TaskReporter reporter, Module module, LongSupplier nanoClock, CorruptRecordCount skips) {
    this.rank = rank;
    this.steps = steps;
    this.batchSize = config.batchSize();
    this.dispBatches = config.dispBatches();
    this.metrics = List.copyOf(metrics);
    this.reporter = reporter;
    this.module = module;
    this.nanoClock = nanoClock;
    this.skips = skips;
    this.epochStart = nanoClock.getAsLong();
  }

  @Override
  public void batchEnd(BatchEndParam p) {
    int step = p.nbatch() + 1;
    nameSkips();
    if (step % dispBatches == 0 && step < steps) {
      reporter.report(report(false, p.epoch() + 1, step, null));
    }
  }

  @Override
  public Action epochEnd(EpochEndParam p) {
    // every worker keeps its own moving statistics, as in MXNet; the checkpoint gets rank 0's
    byte[] aux = rank == 0 && !p.auxParams().isEmpty()
        ? EpochCheckpointer.paramsBytes(Map.of(), p.auxParams()) : null;
    nameSkips();
    // Module.update pulled every key synchronously, so the server has applied this epoch's
    // last round for every key; rank 0 is held in epochEnd while the driver snapshots.
    reporter.epochEnd(report(true, p.epoch() + 1, steps, aux), module);
    epochStart = nanoClock.getAsLong();
    skippedBeforeEpoch = skipped();
    return Action.CONTINUE;
  }

  private long skipped() {
    return skips == null ? 0 : skips.corruptCount();
  }

  /** Sends a note for each skipped record not named yet, up to {@link #NAMED_SKIPS}. */
  private void nameSkips() {
    if (skips == null || named.size() >= NAMED_SKIPS || skips.corruptCount() <= looked) {
      return;
    }
    List<String> seen = skips.corruptRecords(); // the first hundred skips, repeats included
    while (named.size() < NAMED_SKIPS && looked < seen.size()) {
      String what = seen.get(looked++);
      if (named.add(what)) {
        reporter.note("skipped corrupt record " + what + (named.size() == NAMED_SKIPS
            ? " (further skipped records are only counted)" : ""));
      }
    }
  }

  private WorkerReport report(boolean end, int epoch, int step, byte[] aux) {
    return new WorkerReport(end, epoch, step, steps, (long) step * batchSize,
        MetricTotals.sums(metrics), MetricTotals.counts(metrics),
        (nanoClock.getAsLong() - epochStart) / 1e9, aux, skipped() - skippedBeforeEpoch);
  }
}
