package org.kindling.spark;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.kindling.symbol.metric.MetricValue;
import org.kindling.symbol.spec.Spec;

/**
 * The driver's view of training progress, fed by {@link WorkerReport}s from all workers. Prints
 * a progress line whenever rank 0 reports (every {@code --disp-batches} batches), and
 * completes a per-epoch future when every worker has reported the end of that epoch.
 *
 * <p>Thread-safe: reports arrive on the parameter server's message thread while the
 * checkpoint thread waits for epoch totals.
 */
final class ProgressTracker {

  /**
   * Totals of one epoch over all workers: samples, each metric's sum and count, time, the
   * parameter server's figures (null without a server) and the corrupt records skipped.
   */
  record EpochTotals(int epoch, long samples, double[] sums, long[] counts, double seconds,
      KVStoreMeter.EpochTraffic kv, long skipped) {
    /** The metrics' values over all workers. */
    List<MetricValue> values(List<Spec> metrics) {
      return MetricTotals.values(metrics, sums, counts);
    }

    double samplesPerSecond() {
      return seconds <= 0 ? 0 : samples / seconds;
    }
  }

  private final int numWorkers;
  private final int beginEpoch;
  private final int epochs;
  private final List<Spec> metrics;
  private final Consumer<String> out;
  private final LongSupplier nanoClock;
  private final KVStoreMeter kv;
  private long startNanos;
  private boolean started;
  private final Map<Integer, WorkerReport> latest = new HashMap<>();
  private final Map<Integer, Map<Integer, WorkerReport>> epochEnds = new HashMap<>();
  private final Map<Integer, CompletableFuture<EpochTotals>> totals = new HashMap<>();
  private final Map<Integer, KVStoreMeter.EpochTraffic> kvEpochs = new HashMap<>();

  /**
   * @param numWorkers number of workers whose epoch ends make an epoch complete
   * @param beginEpoch the epochs done before this run (a resumed job's), for the ETA
   * @param epochs the epoch count at the end, for the ETA
   * @param metrics the job's metric specs, in report order
   * @param out where progress lines go
   * @param nanoClock time source ({@link System#nanoTime} in production)
   * @param kv the parameter server's meter, whose figures rank 0's reports add to the progress
   *     lines and the epoch totals; null without a server
   */
  ProgressTracker(int numWorkers, int beginEpoch, int epochs, List<Spec> metrics,
      Consumer<String> out, LongSupplier nanoClock, KVStoreMeter kv) {
    this.numWorkers = numWorkers;
    this.beginEpoch = beginEpoch;
    this.epochs = epochs;
    this.metrics = List.copyOf(metrics);
    this.out = out;
    this.nanoClock = nanoClock;
    this.kv = kv;
    this.startNanos = nanoClock.getAsLong();
  }

  /**
   * Seconds of training so far: from the start of the first epoch as the first report tells it
   * (Spark's scheduling and the workers' setup are not counted), or since creation before that.
   */
  synchronized double elapsedSeconds() {
    return (nanoClock.getAsLong() - startNanos) / 1e9;
  }

  /** Records one report; prints a progress line for rank 0's progress reports. */
  synchronized void onReport(int rank, WorkerReport r) {
    if (rank < 0 || rank >= numWorkers) {
      throw new IllegalArgumentException("report from unknown rank " + rank);
    }
    if (!started) {
      started = true;
      startNanos = nanoClock.getAsLong() - (long) (r.seconds() * 1e9);
    }
    latest.put(rank, r);
    if (r.epochEnd() && rank == 0 && kv != null) {
      // rank 0 waits for this report's answer before its next push: the epoch's rounds are in
      kvEpochs.put(r.epoch(), kv.epochEnd(r.epoch(), r.batches()));
    }
    if (r.epochEnd()) {
      Map<Integer, WorkerReport> ends = epochEnds.computeIfAbsent(r.epoch(), e -> new HashMap<>());
      ends.put(rank, r);
      if (ends.size() == numWorkers) {
        future(r.epoch()).complete(sum(r.epoch(), ends.values()));
        epochEnds.remove(r.epoch());
        kvEpochs.remove(r.epoch());
      }
    } else if (rank == 0) {
      out.accept(progressLine(r) + (kv == null ? "" : kv.progress(step(r))));
    }
  }

  /** The totals of {@code reports} of one epoch (the slowest worker's time). */
  private EpochTotals sum(int epoch, Iterable<WorkerReport> reports) {
    long samples = 0;
    double[] sums = new double[metrics.size()];
    long[] counts = new long[metrics.size()];
    double seconds = 0;
    long skipped = 0;
    for (WorkerReport w : reports) {
      samples += w.samples();
      skipped += w.skipped();
      for (int i = 0; i < sums.length && i < w.sums().length; i++) {
        sums[i] += w.sums()[i];
        counts[i] += w.counts()[i];
      }
      seconds = Math.max(seconds, w.seconds());
    }
    return new EpochTotals(epoch, samples, sums, counts, seconds, kvEpochs.get(epoch), skipped);
  }

  /** Training steps since the start of this run up to {@code r}'s batch. */
  private long step(WorkerReport r) {
    return (long) (r.epoch() - 1 - beginEpoch) * r.batches() + r.batch();
  }

  /** A future completed when every worker has reported the end of {@code epoch}. */
  synchronized CompletableFuture<EpochTotals> epochTotals(int epoch) {
    return future(epoch);
  }

  /** Fails every pending epoch future, so nothing waits for a job that died. */
  synchronized void abort(Throwable cause) {
    for (CompletableFuture<EpochTotals> f : totals.values()) {
      f.completeExceptionally(cause);
    }
  }

  private CompletableFuture<EpochTotals> future(int epoch) {
    return totals.computeIfAbsent(epoch, e -> new CompletableFuture<>());
  }

  private String progressLine(WorkerReport r) {
    List<WorkerReport> current = latest.values().stream()
        .filter(w -> w.epoch() == r.epoch() && !w.epochEnd()).toList();
    // every worker runs the same steps in lock-step, but the others' reports of this step may
    // still be on their way: rank 0's speed times the workers is the job's
    double rate = r.seconds() > 0 ? numWorkers * r.samples() / r.seconds() : 0;
    EpochTotals t = sum(r.epoch(), current);
    double elapsed = elapsedSeconds();
    double done = (r.epoch() - 1 - beginEpoch) + (double) r.batch() / Math.max(1, r.batches());
    return String.format(Locale.ROOT, "epoch %d/%d  batch %d/%d  %.0f samples/s  %s%s"
            + "  elapsed %s  eta %s", r.epoch(), epochs, r.batch(), r.batches(), rate,
        describe("train", t.values(metrics)), skipped(t.skipped()), clock(elapsed),
        eta(elapsed, done / (epochs - beginEpoch)));
  }

  /** {@code   skipped N corrupt records}, or nothing when none was skipped. */
  static String skipped(long n) {
    return n == 0 ? "" : "  skipped " + n + " corrupt record" + (n == 1 ? "" : "s");
  }

  /** {@code train-accuracy 0.9123  train-cross-entropy 0.2500}. */
  static String describe(String prefix, List<MetricValue> values) {
    StringBuilder s = new StringBuilder();
    for (MetricValue v : values) {
      s.append(s.length() == 0 ? "" : "  ").append(prefix).append('-').append(v.name())
          .append(String.format(Locale.ROOT, " %.4f", v.value()));
    }
    return s.toString();
  }

  /** {@code m:ss} or {@code h:mm:ss}. */
  static String clock(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** Remaining time from elapsed seconds and the fraction done, or {@code ?} at the start. */
  static String eta(double elapsed, double fractionDone) {
    if (fractionDone <= 0 || fractionDone > 1) {
      return "?";
    }
    return clock(elapsed * (1 - fractionDone) / fractionDone);
  }
}
