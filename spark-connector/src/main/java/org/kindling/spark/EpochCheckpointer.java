package org.kindling.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.kindling.io.image.RawImageRecordIter;
import org.kindling.io.split.PrefetchingRecordSource;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/**
 * What happens at the end of every epoch, off the training path: the weights snapshot becomes
 * {@code PREFIX-%04d.params}, the validation accuracy is measured on it, and once every worker
 * has reported the epoch's totals the metrics row is appended to {@code PREFIX-metrics.csv} and
 * the epoch line is printed.
 *
 * <p>{@link #onEpochEnd} only queues the work (the snapshot is already a copy), so the caller —
 * the parameter server's message listener, which holds rank 0 until it returns — releases the
 * workers at once. One background thread does the epochs in order.
 */
final class EpochCheckpointer implements AutoCloseable {
  /** Rows per forward pass when measuring validation accuracy. */
  static final int VALIDATION_BATCH = 256;

  private final TrainConfig config;
  private final Symbol symbol;
  private final Configuration conf;
  private final ProgressTracker tracker;
  private final Consumer<String> out;
  private final ExecutorService thread;
  private final List<Future<?>> pending = new ArrayList<>();
  private final List<EpochMetrics> metrics = new ArrayList<>();
  private volatile byte[] lastParams;
  private volatile int lastEpoch;

  EpochCheckpointer(TrainConfig config, Symbol symbol, Configuration conf,
      ProgressTracker tracker, Consumer<String> out) {
    this.config = config;
    this.symbol = symbol;
    this.conf = conf;
    this.tracker = tracker;
    this.out = out;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kindling-checkpoint");
      t.setDaemon(true);
      return t;
    });
  }

  /** Writes {@code PREFIX-symbol.json} (once, before training starts). */
  void writeSymbol() throws IOException {
    if (config.modelPrefix() != null) {
      Checkpoints.writeSymbol(config.modelPrefix(), symbol.toJson(), conf);
    }
  }

  /**
   * Queues the end-of-epoch work for {@code weights}, which the caller hands over (they must be
   * copies that nothing else writes); they are closed when the work is done.
   */
  synchronized void onEpochEnd(int epoch, Map<String, NDArray> weights) {
    pending.add(thread.submit(() -> {
      try {
        finishEpoch(epoch, weights);
      } finally {
        weights.values().forEach(NDArray::close);
      }
      return null;
    }));
  }

  private void finishEpoch(int epoch, Map<String, NDArray> weights) throws Exception {
    byte[] params = paramsBytes(weights);
    lastParams = params;
    lastEpoch = epoch;
    String file = null;
    if (config.modelPrefix() != null) {
      Checkpoints.writeParams(config.modelPrefix(), epoch, params, conf);
      file = Checkpoints.paramsFile(config.modelPrefix(), epoch);
    }
    double val = config.valData() == null ? Double.NaN : validate(weights);
    ProgressTracker.EpochTotals t = tracker.epochTotals(epoch).get();
    EpochMetrics m = new EpochMetrics(epoch, t.accuracy(), val, t.samplesPerSecond(),
        t.seconds());
    List<EpochMetrics> rows;
    synchronized (metrics) {
      metrics.add(m);
      rows = List.copyOf(metrics);
    }
    if (config.modelPrefix() != null) {
      Checkpoints.writeMetrics(config.modelPrefix(), rows, conf);
    }
    double elapsed = tracker.elapsedSeconds();
    out.accept(String.format(Locale.ROOT,
        "epoch %d/%d done  train-acc %.4f%s  %.0f samples/s  %.1f s/epoch  elapsed %s  eta %s%s",
        epoch, config.epochs(), m.trainAccuracy(),
        m.hasValAccuracy() ? String.format(Locale.ROOT, "  val-acc %.4f", val) : "",
        m.samplesPerSecond(), m.seconds(), ProgressTracker.clock(elapsed),
        ProgressTracker.eta(elapsed, (double) epoch / config.epochs()),
        file == null ? "" : "  saved " + file));
  }

  private double validate(Map<String, NDArray> weights) throws IOException {
    Shape example = Shape.of(config.inputShape());
    RecordIOSplit split = RecordIOSplit.open(config.valData(), conf);
    try (NetworkRunner runner = NetworkRunner.bind(symbol, weights, Map.of(), example,
            VALIDATION_BATCH);
        RawImageRecordIter it = RawImageRecordIter.builder(
            new PrefetchingRecordSource(split.openPart(0, 1)), example, VALIDATION_BATCH)
        .scale(config.scale()).roundBatch(false).build()) {
      return runner.accuracy(it);
    }
  }

  /** The {@code .params} file image of {@code weights}, names {@code arg:<name>}. */
  static byte[] paramsBytes(Map<String, NDArray> weights) {
    List<String> names = new ArrayList<>();
    List<NDArray> arrays = new ArrayList<>();
    weights.forEach((k, v) -> {
      names.add("arg:" + k);
      arrays.add(v);
    });
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ParamsFile.write(bytes, names, arrays);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Waits for every queued epoch and returns the metrics.
   *
   * @throws IOException the first failure of a checkpoint write or validation
   */
  List<EpochMetrics> finish() throws IOException, InterruptedException {
    List<Future<?>> all;
    synchronized (this) {
      all = List.copyOf(pending);
    }
    for (Future<?> f : all) {
      try {
        f.get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        if (c instanceof RuntimeException re) {
          throw re;
        }
        throw new IOException("end-of-epoch work failed: " + c, c);
      }
    }
    synchronized (metrics) {
      return List.copyOf(metrics);
    }
  }

  /** The last epoch's {@code .params} image, or null before the first epoch ended. */
  byte[] lastParams() {
    return lastParams;
  }

  /** The last epoch whose weights were snapshotted. */
  int lastEpoch() {
    return lastEpoch;
  }

  /** Stops the background thread (interrupting work of a failed job). */
  @Override
  public void close() {
    thread.shutdownNow();
  }
}
