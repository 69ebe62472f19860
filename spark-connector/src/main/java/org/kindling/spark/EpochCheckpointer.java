package org.kindling.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.kindling.io.image.CorruptRecordCount;
import org.kindling.io.split.FramingSkips;
import org.kindling.io.split.PrefetchingRecordSource;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.callback.EpochEndParam;
import org.kindling.symbol.callback.TrainingHistory;
import org.kindling.symbol.metric.CompositeEvalMetric;
import org.kindling.symbol.metric.MetricValue;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.data.DataIter;
import org.kindling.tensor.io.ParamsFile;

/**
 * What happens at the end of every epoch, off the training path: the state becomes {@code
 * PREFIX-%04d.params} (arguments and auxiliary states) and {@code PREFIX-%04d.states} (the
 * optimizer's), the validation metrics are measured on it, and once every worker has reported
 * the epoch's totals the history ({@code PREFIX-history.csv/.json/.png}, with the parameter
 * server's {@code kv_*} columns, with {@code --skip-corrupt} a {@code skipped_records} column,
 * and the per-key {@code PREFIX-history-kvstore.csv}) is
 * rewritten and the epoch line printed. A write that fails names the file and the epoch, and later epochs are
 * refused ({@link #requireHealthy}) so the job stops instead of training on without
 * checkpoints.
 *
 * <p>{@link #onEpochEnd} only queues the work (the state is already a copy), so the caller —
 * the parameter server's message listener, which holds rank 0 until it returns — releases the
 * workers at once. One background thread does the epochs in order.
 */
final class EpochCheckpointer implements AutoCloseable {
  /** Rows per forward pass when measuring validation metrics. */
  static final int VALIDATION_BATCH = 256;
  /** The history's column of corrupt records skipped per epoch ({@code --skip-corrupt}). */
  static final String SKIPPED_COLUMN = "skipped_records";

  /**
   * The state after an epoch, handed over to the checkpointer, which closes the arrays.
   *
   * @param epoch the epoch, 1-based
   * @param args the weights by name (copies)
   * @param aux the auxiliary states by name (copies; worker 0's in distributed training)
   * @param optimizerStates the optimizer's {@code .states} image, or null
   */
  record EpochState(int epoch, Map<String, NDArray> args, Map<String, NDArray> aux,
      byte[] optimizerStates) implements AutoCloseable {
    @Override
    public void close() {
      args.values().forEach(NDArray::close);
      aux.values().forEach(NDArray::close);
    }
  }

  private final TrainConfig config;
  private final Symbol symbol;
  private final Configuration conf;
  private final ProgressTracker tracker;
  private final Consumer<String> out;
  private final TrainingHistory history;
  private final ExecutorService thread;
  private final List<Future<?>> pending = new ArrayList<>();
  private final List<EpochMetrics> metrics = new ArrayList<>();
  /** The per-key kvstore history's rows so far (the background thread's). */
  private final List<String> kvRows = new ArrayList<>();
  private volatile byte[] lastParams;
  private volatile int lastEpoch;
  /** The last epoch whose .params and .states are written ({@code beginEpoch} before). */
  private volatile int savedEpoch;
  private volatile Throwable failure;

  /**
   * @throws IOException if a resumed run's history cannot be read
   */
  EpochCheckpointer(TrainConfig config, Symbol symbol, Configuration conf,
      ProgressTracker tracker, Consumer<String> out) throws IOException {
    this.config = config;
    this.symbol = symbol;
    this.conf = conf;
    this.tracker = tracker;
    this.out = out;
    this.history = TrainingHistory.builder().previous(config.modelPrefix() == null ? List.of()
        : Checkpoints.readHistory(config.modelPrefix(), config.beginEpoch(), conf)).build();
    if (config.modelPrefix() != null) {
      kvRows.addAll(Checkpoints.readKVStoreHistory(config.modelPrefix(), config.beginEpoch(),
          conf));
    }
    this.lastEpoch = config.beginEpoch();
    this.savedEpoch = config.beginEpoch();
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
   * Queues the end-of-epoch work for {@code state}, which the caller hands over.
   *
   * @throws IllegalStateException if an earlier epoch's work failed (its message)
   */
  synchronized void onEpochEnd(EpochState state) {
    try {
      requireHealthy();
    } catch (IllegalStateException e) {
      state.close();
      throw e;
    }
    pending.add(thread.submit(() -> {
      try (state) {
        finishEpoch(state);
      } catch (Exception | Error e) {
        failure = e;
        throw e;
      }
      return null;
    }));
  }

  /**
   * Fails if the work of an earlier epoch failed, so training stops at the next epoch end.
   *
   * @throws IllegalStateException with that failure's message
   */
  void requireHealthy() {
    Throwable f = failure;
    if (f != null) {
      throw new IllegalStateException(f.getMessage(), f);
    }
  }

  private void finishEpoch(EpochState s) throws Exception {
    int epoch = s.epoch();
    byte[] params = paramsBytes(s.args(), s.aux());
    lastParams = params;
    lastEpoch = epoch;
    String prefix = config.modelPrefix();
    String file = null;
    if (prefix != null) {
      file = Checkpoints.paramsFile(prefix, epoch);
      write(Checkpoints.paramsFile(prefix, epoch), epoch,
          () -> Checkpoints.writeParams(prefix, epoch, params, conf));
      if (s.optimizerStates() != null) {
        write(Checkpoints.statesFile(prefix, epoch), epoch,
            () -> Checkpoints.writeStates(prefix, epoch, s.optimizerStates(), conf));
      }
      savedEpoch = epoch;
    }
    List<MetricValue> val = config.valData() == null ? List.of()
        : validate(epoch, s.args(), s.aux());
    ProgressTracker.EpochTotals t = tracker.epochTotals(epoch).get();
    List<MetricValue> train = t.values(config.metrics());
    EpochMetrics m = EpochMetrics.of(epoch, train, val, t.samplesPerSecond(), t.seconds(),
        t.skipped());
    synchronized (metrics) {
      metrics.add(m);
    }
    Map<String, Double> measures = new LinkedHashMap<>();
    if (config.skipCorrupt()) {
      measures.put(SKIPPED_COLUMN, (double) t.skipped());
    }
    if (t.kv() != null) {
      measures.putAll(t.kv().columns());
    }
    history.epochEnd(new EpochEndParam(epoch - 1, symbol, Map.of(), Map.of(), train, val,
        t.seconds()), measures);
    if (t.kv() != null) {
      kvRows.addAll(t.kv().keyRows());
    }
    if (prefix != null) {
      for (String ext : Checkpoints.HISTORY_FORMATS) {
        write(Checkpoints.historyFile(prefix, ext), epoch,
            () -> Checkpoints.writeHistory(prefix, ext, history, conf));
      }
      if (t.kv() != null) {
        write(Checkpoints.kvstoreHistoryFile(prefix), epoch,
            () -> Checkpoints.writeKVStoreHistory(prefix, kvRows, conf));
      }
    }
    double elapsed = tracker.elapsedSeconds();
    int begin = config.beginEpoch();
    out.accept(String.format(Locale.ROOT,
        "epoch %d/%d done  %s%s%s  %.0f samples/s  %.1f s/epoch  elapsed %s  eta %s%s",
        epoch, config.epochs(), ProgressTracker.describe("train", train),
        val.isEmpty() ? "" : "  " + ProgressTracker.describe("val", val),
        ProgressTracker.skipped(t.skipped()),
        m.samplesPerSecond(), m.seconds(), ProgressTracker.clock(elapsed),
        ProgressTracker.eta(elapsed, (double) (epoch - begin) / (config.epochs() - begin)),
        file == null ? "" : "  saved " + file));
  }

  private interface Write {
    void run() throws IOException;
  }

  /** Runs a write; its failure names the file and the epoch. */
  private static void write(String file, int epoch, Write w) throws IOException {
    try {
      w.run();
    } catch (IOException e) {
      throw new IOException("epoch " + epoch + ": cannot write " + file + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * The validation metrics of {@code epoch}'s weights; with {@code --skip-corrupt} a line tells
   * how many validation records were left out, and the first one.
   */
  private List<MetricValue> validate(int epoch, Map<String, NDArray> args,
      Map<String, NDArray> aux) throws IOException {
    RecordIOSplit split = RecordIOSplit.open(config.valData(), conf);
    // one pass; the prefetching reader may read on into the start of another (the padding)
    FramingSkips framing = config.skipCorrupt() ? FramingSkips.distinct() : null;
    try (Module module = new Module(symbol);
        DataIter it = config.image().evalIter(
            new PrefetchingRecordSource(split.openPart(0, 1, framing)),
            config.inputShape(), config.scale(), VALIDATION_BATCH, config.skipCorrupt())) {
      module.bind(it.provideData(), it.provideLabel(), false);
      module.initParams(null, args, aux, false);
      List<MetricValue> values = module.score(it, new CompositeEvalMetric(config.createMetrics()));
      CorruptRecordCount skips = CorruptCounts.of(it, framing);
      if (skips != null && skips.corruptCount() > 0) {
        out.accept(String.format(Locale.ROOT, "epoch %d: validation skipped %d corrupt"
            + " record(s), the first %s", epoch, skips.corruptCount(),
            skips.corruptRecords().get(0)));
      }
      return values;
    }
  }

  /** The {@code .params} file image: {@code arg:<name>} then {@code aux:<name>}. */
  static byte[] paramsBytes(Map<String, NDArray> args, Map<String, NDArray> aux) {
    List<String> names = new ArrayList<>();
    List<NDArray> arrays = new ArrayList<>();
    args.forEach((k, v) -> {
      names.add("arg:" + k);
      arrays.add(v);
    });
    aux.forEach((k, v) -> {
      names.add("aux:" + k);
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

  /** The progress tracker whose epoch totals the history takes. */
  ProgressTracker tracker() {
    return tracker;
  }

  /** The failure of an epoch's work, or null. */
  Throwable failure() {
    return failure;
  }

  /** The last epoch's {@code .params} image, or null before the first epoch ended. */
  byte[] lastParams() {
    return lastParams;
  }

  /** The last epoch whose state was checkpointed ({@code beginEpoch} before the first). */
  int lastEpoch() {
    return lastEpoch;
  }

  /**
   * The last epoch whose checkpoint files are complete: {@code --begin-epoch} for a job that
   * must be resumed ({@code beginEpoch} before this run wrote one, 0 meaning none; also 0
   * without a model prefix). Call {@link #settle} first to let queued epochs land.
   */
  int savedEpoch() {
    return config.modelPrefix() == null ? 0 : savedEpoch;
  }

  /**
   * Waits for the queued end-of-epoch work of a failed job, ignoring its failures, so that a
   * snapshot taken before the failure still becomes a checkpoint to resume from.
   */
  void settle() throws InterruptedException {
    List<Future<?>> all;
    synchronized (this) {
      all = List.copyOf(pending);
    }
    for (Future<?> f : all) {
      try {
        f.get();
      } catch (ExecutionException e) {
        // reported by failure(); the epochs before it are what can be resumed
      }
    }
  }

  /** Stops the background thread (interrupting work of a failed job). */
  @Override
  public void close() {
    thread.shutdownNow();
  }
}
