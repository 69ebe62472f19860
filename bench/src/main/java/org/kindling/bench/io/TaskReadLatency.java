package org.kindling.bench.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.io.split.ShuffledPartSource;
import org.kindling.spark.TrainConfig;
import org.kindling.spark.TrainingInput;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.module.Module;
import org.kindling.symbol.optimizer.SGD;
import org.kindling.symbol.zoo.Zoo;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataIter;
import org.kindling.tensor.engine.Engines;

/**
 * Issue 9's latency goal on the read path a training task uses by default on a remote store:
 * LeNet steps (batch 64) on batches built by {@link TrainingInput}, the code a training task
 * reads its part with, under a default {@link TrainConfig} (shuffled: {@link ShuffledPartSource},
 * which on any store other than {@code file:} reads chunks of contiguous records, 4 MiB and four
 * reader threads on this scheme, one window of 4 chunks ahead; decision 0056), from {@code
 * delayed://} ({@link DelayedFileSystem}) with 0 and with 50 ms per request. The same store and
 * reading both ways, so the only difference is the latency.
 *
 * <p>Each run opens the part as a task does (the records located by the header pass, no {@code
 * .idx}), builds the iterator of the task's steps per epoch (each epoch starting a new
 * shuffled pass) and a LeNet module, trains {@value #WARMUP_STEPS} warm-up
 * steps and then a whole number of epochs, at least {@value #MIN_TIMED_STEPS} steps: every timed
 * run holds the same number of epoch starts, where a shuffled part begins a new pass and reads
 * its first window. Runs alternate without and with the delay, {@value #ROUNDS} rounds.
 *
 * <p>Reported per part size: the wall time per step (median and range over the rounds), the
 * ratio with / without of the medians (the goal's measure: within 1.05) and the median of the
 * rounds' own ratios (a pair of neighbouring runs shares the machine's load); the time per step
 * the training thread spent in the iterator's {@code next()} ("wait": building the batch plus
 * any wait for records) and the latency's share of the step, (wait with - wait without) / step
 * without, which the delay can only change by making that thread wait (it is a sleep, no CPU);
 * the requests per epoch and the open's requests and time.
 */
final class TaskReadLatency {
  private static final int BATCH = 64;
  /**
   * Records per part: MNIST's training set on one worker (938 steps an epoch), and a part of 80
   * steps (MNIST over a dozen workers), where an epoch's start weighs twelve times as much.
   */
  private static final int[] PART_RECORDS = {60_000, 5_120};
  private static final int ROUNDS = 5;
  private static final int WARMUP_STEPS = 5;
  /** Timed steps per run at least: about a second on a quiet machine at ~8-10 ms a step. */
  private static final int MIN_TIMED_STEPS = 900;
  private static final int DELAY_MS = 50;

  private TaskReadLatency() {}

  /**
   * These rows alone (without the rest of {@code bench/run-io}), in a temporary directory:
   * {@code java -cp ... org.kindling.bench.io.TaskReadLatency}.
   */
  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("kindling-task-latency");
    try {
      System.out.println("- load average before: " + IoBench.loadAverage());
      System.out.println();
      run(dir);
      System.out.println();
      System.out.println("- load average after: " + IoBench.loadAverage());
    } finally {
      IoBench.deleteTree(dir);
    }
  }

  /** One run's figures: per timed step, and its requests. */
  private record Run(double wallMs, double nextMs, long requests, double openMs,
      long openRequests, String reading) {}

  static void run(Path dir) throws IOException {
    System.out.printf(Locale.ROOT, "LeNet training steps, batch %d, reading as a training task"
        + " does by default on a remote store (TrainingInput under a default TrainConfig:"
        + " shuffled, one worker) from delayed:// with 0 and with %d ms per request. A request"
        + " is a positioned (ranged) read, or the first sequential read of a stream after its"
        + " open or a seek elsewhere; continuing reads, opens and metadata calls are not"
        + " delayed: a remote store's first-byte latency on a local disk's bandwidth. The delay"
        + " is a sleep (no CPU). Each run: the part opened (records located by the header pass,"
        + " no .idx), %d warm-up steps, then whole epochs of the task's steps, at least %d"
        + " steps; runs alternating without/with the delay, %d rounds, median (min-max) over"
        + " the rounds. \"with / without\" is the ratio of the medians (the goal: <= 1.05),"
        + " \"rounds' ratios\" the median of each round's own ratio; \"next\" is the time per"
        + " step the training thread spent in the iterator's next() (building the batch and"
        + " any wait for records), and the latency's share is (next with - next without) /"
        + " step without:%n%n", BATCH, DELAY_MS, WARMUP_STEPS, MIN_TIMED_STEPS, ROUNDS);
    System.out.println("| part | reading | epochs x steps per run | requests per epoch |"
        + " open ms (requests), no delay / delay | ms/step, no delay | ms/step, 50 ms per"
        + " request | with / without | rounds' ratios | next ms/step, no delay | next ms/step,"
        + " delay | latency's share of the step |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (int records : PART_RECORDS) {
      Path rec = LenetLatency.writeRaw28(dir.resolve("task-" + records + ".rec"), records);
      String uri = "delayed://" + rec.toUri().getPath();
      int stepsPerEpoch = (records + BATCH - 1) / BATCH;
      int epochs = (MIN_TIMED_STEPS + stepsPerEpoch - 1) / stepsPerEpoch;
      Run[] plain = new Run[ROUNDS];
      Run[] delayed = new Run[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        plain[round] = steps(uri, 0, epochs);
        delayed[round] = steps(uri, DELAY_MS, epochs);
      }
      double[] wallPlain = Arrays.stream(plain).mapToDouble(Run::wallMs).toArray();
      double[] wallDelayed = Arrays.stream(delayed).mapToDouble(Run::wallMs).toArray();
      double[] nextPlain = Arrays.stream(plain).mapToDouble(Run::nextMs).toArray();
      double[] nextDelayed = Arrays.stream(delayed).mapToDouble(Run::nextMs).toArray();
      double[] pairs = new double[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        pairs[r] = wallDelayed[r] / wallPlain[r];
      }
      double a = median(wallPlain);
      System.out.printf(Locale.ROOT, "| %,d records (%.1f MB) | %s | %d x %d | %s |"
              + " %.0f (%d) / %.0f (%d) | %s | %s | %.3f | %.3f (%.3f-%.3f) | %s | %s |"
              + " %.1f%% |%n",
          records, Files.size(rec) / 1048576.0, delayed[0].reading(), epochs, stepsPerEpoch,
          requestsPerEpoch(plain, delayed, epochs), median(Arrays.stream(plain)
              .mapToDouble(Run::openMs).toArray()), plain[0].openRequests(),
          median(Arrays.stream(delayed).mapToDouble(Run::openMs).toArray()),
          delayed[0].openRequests(), spread(wallPlain), spread(wallDelayed),
          median(wallDelayed) / a, median(pairs), min(pairs), max(pairs), spread(nextPlain),
          spread(nextDelayed), 100 * (median(nextDelayed) - median(nextPlain)) / a);
      Files.delete(rec);
    }
  }

  /** Requests per epoch of the delayed runs; the range if the runs differ (they should not). */
  private static String requestsPerEpoch(Run[] plain, Run[] delayed, int epochs) {
    long lo = Long.MAX_VALUE;
    long hi = 0;
    for (Run[] runs : new Run[][] {plain, delayed}) {
      for (Run r : runs) {
        lo = Math.min(lo, r.requests());
        hi = Math.max(hi, r.requests());
      }
    }
    return lo == hi ? String.format(Locale.ROOT, "%.1f", (double) lo / epochs)
        : String.format(Locale.ROOT, "%.1f-%.1f", (double) lo / epochs, (double) hi / epochs);
  }

  private static Configuration conf(int delayMs) {
    Configuration conf = new Configuration();
    conf.set("fs.delayed.impl", DelayedFileSystem.class.getName());
    // each run's own delay: Hadoop's cache would hand back the first instance's
    conf.setBoolean("fs.delayed.impl.disable.cache", true);
    conf.setInt(DelayedFileSystem.DELAY_KEY, delayMs);
    return conf;
  }

  private static Run steps(String uri, int delayMs, int epochs) throws IOException {
    TrainConfig config = TrainConfig.builder().data(uri).network("lenet").numClasses(10)
        .inputShape(1, 28, 28).batchSize(BATCH).kvstore("local").epochs(epochs + 1).build();
    long requests0 = DelayedFileSystem.requests();
    long t0 = System.nanoTime();
    RecordIOSplit split = RecordIOSplit.open(config.data(), conf(delayMs));
    TrainingInput input = TrainingInput.open(config, split, 0, 1);
    double openMs = (System.nanoTime() - t0) / 1e6;
    long openRequests = DelayedFileSystem.requests() - requests0;
    ShuffledPartSource shuffled = input.shuffled();
    String reading = shuffled == null ? "file order (prefetching reader)"
        : "shuffled, " + shuffled.mode().name().toLowerCase(Locale.ROOT) + " mode, "
            + shuffled.chunkCount() + " chunks";
    int stepsPerEpoch = TrainingInput.stepsPerEpoch(new String[] {Long.toString(
        input.records())}, BATCH, uri);
    DataIter data;
    try {
      data = input.iterator(stepsPerEpoch);
    } catch (IOException | RuntimeException e) {
      input.close();
      throw e;
    }
    try (DataIter batches = data;
        Module module = new Module(Zoo.get("lenet", 10, Shape.of(1, 28, 28)))) {
      module.bind(Shape.of(BATCH, 1, 28, 28), Shape.of(BATCH), true);
      module.initParams(new Xavier(42));
      module.initOptimizer(null, SGD.builder().learningRate(0.05f).momentum(0.9f)
          .rescaleGrad(1f / BATCH).build());
      train(module, batches, WARMUP_STEPS);
      Engines.get().waitAll();
      int timed = epochs * stepsPerEpoch;
      long r0 = DelayedFileSystem.requests();
      long s0 = System.nanoTime();
      long nextNanos = train(module, batches, timed);
      Engines.get().waitAll();
      return new Run((System.nanoTime() - s0) / 1e6 / timed, nextNanos / 1e6 / timed,
          DelayedFileSystem.requests() - r0, openMs, openRequests, reading);
    }
  }

  /**
   * Trains {@code steps} steps as {@code Module.fit} does (an epoch's end, where {@code next()}
   * gives null, resets the iterator: the next epoch's shuffled pass); each step waits for the
   * engine before the next batch is asked for, as a task's per-step metric update does, so any
   * wait for records adds to the step. Returns the nanoseconds spent getting the batches.
   */
  private static long train(Module module, DataIter data, int steps) throws IOException {
    long nextNanos = 0;
    for (int s = 0; s < steps; s++) {
      long t = System.nanoTime();
      DataBatch next = data.next();
      if (next == null) {
        data.reset();
        next = data.next();
      }
      nextNanos += System.nanoTime() - t;
      try (DataBatch batch = next) {
        module.forwardBackward(batch);
        module.update();
        Engines.get().waitAll();
      }
    }
    return nextNanos;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElseThrow();
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElseThrow();
  }

  /** {@code median (min-max)}. */
  private static String spread(double[] v) {
    String f = max(v) < 10 ? "%.2f" : "%.1f";
    return String.format(Locale.ROOT, f + " (" + f + "-" + f + ")", median(v), min(v), max(v));
  }
}
