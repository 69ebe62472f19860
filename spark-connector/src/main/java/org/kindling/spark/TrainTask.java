package org.kindling.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.BarrierTaskContext;
import org.kindling.io.image.RawImageRecordIter;
import org.kindling.io.split.PrefetchingRecordSource;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.kvstore.DistKVStore;
import org.kindling.kvstore.KVStores;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.metric.Accuracy;
import org.kindling.symbol.metric.EvalMetric;
import org.kindling.symbol.module.Module;
import org.kindling.symbol.optimizer.SGD;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataIter;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The body of one barrier task: worker {@code rank} of {@code W}. It reads byte-range part
 * {@code rank} of {@code W} of the data through a prefetching reader, agrees with the other
 * workers once (one {@code allGather}) on the number of steps per epoch, connects to the
 * driver's parameter server as {@code rank}, and trains with a {@link Module}: forward,
 * backward, push gradients, pull weights, every step.
 *
 * <p>Parts are balanced by bytes, so their record counts differ slightly; every worker runs
 * {@code max over workers of ceil(records / batch)} steps per epoch, and a worker with a
 * smaller part wraps around to its first records, so every sync round gets all W pushes.
 *
 * <p>Instances travel to the executors in the stage's closure: everything here is serializable
 * and small (the config, the symbol JSON, the Hadoop settings, the server's address and the
 * job's secret).
 */
final class TrainTask extends AbstractFunction1<Iterator<Integer>, Iterator<TaskOutcome>>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TrainConfig config;
  private final String symbolJson;
  private final HadoopConfHolder hadoopConf;
  private final String serverHost;
  private final int serverPort;
  private final byte[] secret;

  /**
   * @param serverHost the parameter server's host, or null for {@code --kvstore local}
   */
  TrainTask(TrainConfig config, String symbolJson, HadoopConfHolder hadoopConf,
      String serverHost, int serverPort, byte[] secret) {
    this.config = config;
    this.symbolJson = symbolJson;
    this.hadoopConf = hadoopConf;
    this.serverHost = serverHost;
    this.serverPort = serverPort;
    this.secret = secret == null ? null : secret.clone();
  }

  @Override
  public Iterator<TaskOutcome> apply(Iterator<Integer> partition) {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    int rank = ctx.partitionId();
    TaskSetup.begin();
    try {
      TaskOutcome outcome = train(rank, ctx);
      return CollectionConverters.asScala(List.of(outcome).iterator());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private TaskOutcome train(int rank, BarrierTaskContext ctx) throws IOException {
    int workers = config.numWorkers();
    Configuration conf = hadoopConf.get();
    RecordIOSplit split = RecordIOSplit.open(config.data(), conf);
    long records = countRecords(split, rank, workers);
    String[] counts = ctx.allGather(Long.toString(records));
    int steps = stepsPerEpoch(counts, config.batchSize(), config.data());

    Symbol symbol = Symbol.fromJson(symbolJson, "the job's network");
    Shape example = Shape.of(config.inputShape());
    // resources close in reverse order, and a failure while closing is added to the original
    // failure instead of hiding it
    try (RawImageRecordIter data = RawImageRecordIter.builder(
            new PrefetchingRecordSource(split.openPart(rank, workers)), example,
            config.batchSize())
        .scale(config.scale()).build();
        KVStore kv = serverHost != null
            ? KVStores.connect("dist_sync", serverHost, serverPort, secret, rank, workers)
            : KVStores.create("local");
        TaskReporter reporter = kv instanceof DistKVStore dist
            ? TaskReporter.remote(dist)
            : TaskReporter.local(config, symbol, conf)) {
      try (Module module = bindModule(symbol, example, kv, workers)) {
        long samples = runEpochs(module, data, steps, reporter);
        List<EpochMetrics> metrics = reporter.finish();
        return new TaskOutcome(rank, records, steps, samples, metrics, reporter.lastParams());
      } catch (RuntimeException | IOException e) {
        reporter.failed(rank, e);
        throw e;
      }
    }
  }

  private Module bindModule(Symbol symbol, Shape example, KVStore kv, int workers) {
    Module module = new Module(symbol, List.of(Networks.DATA),
        symbol.listArguments().contains(Networks.LABEL) ? List.of(Networks.LABEL) : List.of());
    int[] dims = example.dims();
    int[] batchDims = new int[dims.length + 1];
    batchDims[0] = config.batchSize();
    System.arraycopy(dims, 0, batchDims, 1, dims.length);
    module.bind(Shape.of(batchDims), Shape.of(config.batchSize()), true);
    // He-style initialization for ReLU networks, as MXNet's image-classification fit.py
    module.initParams(new Xavier(Xavier.RandomType.GAUSSIAN, Xavier.FactorType.IN, 2f,
        config.seed()));
    // MXNet's Module: rescale_grad = 1 / (batch * workers) for dist_sync, 1 / batch otherwise
    SGD sgd = SGD.builder()
        .learningRate((float) config.learningRate())
        .momentum((float) config.momentum())
        .wd((float) config.weightDecay())
        .rescaleGrad(1f / ((float) config.batchSize() * workers))
        .build();
    module.initOptimizer(kv, sgd);
    return module;
  }

  private long runEpochs(Module module, DataIter data, int steps,
      TaskReporter reporter) throws IOException {
    EvalMetric acc = new Accuracy();
    long total = 0;
    for (int epoch = 1; epoch <= config.epochs(); epoch++) {
      data.reset();
      acc.reset();
      long samples = 0;
      long start = System.nanoTime();
      for (int step = 1; step <= steps; step++) {
        DataBatch next = data.next();
        if (next == null) {
          // this part is shorter than the longest one: wrap around within the epoch
          data.reset();
          next = data.next();
        }
        try (DataBatch batch = next) {
          module.forwardBackward(batch);
          module.updateMetric(acc, batch);
          module.update();
          samples += batch.batchSize();
        }
        if (step % config.dispBatches() == 0 && step < steps) {
          reporter.report(new WorkerReport(false, epoch, step, steps, samples,
              (long) acc.sumMetric(), seconds(start)));
        }
      }
      total += samples;
      // Module.update pulls every key synchronously, so the server has applied this epoch's
      // last round for every key; rank 0 is held in report() while the driver snapshots.
      reporter.report(new WorkerReport(true, epoch, steps, steps, samples,
          (long) acc.sumMetric(), seconds(start)));
      reporter.epochWeights(epoch, module);
    }
    return total;
  }

  /**
   * One line for a failure: a {@link FormatException}'s message anywhere in the cause chain
   * (it names the file and byte offset), else the message without exception class names.
   */
  static String describe(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof FormatException) {
        return c.getMessage();
      }
    }
    String s = TrainingFailedException.stripExceptionNames(e.toString());
    return s.isEmpty() ? e.getClass().getName() : s.split("\n")[0];
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static long countRecords(RecordIOSplit split, int rank, int workers)
      throws IOException {
    long n = 0;
    try (RecordIOPartReader r = split.openPart(rank, workers)) {
      while (r.next() != null) {
        n++;
      }
    }
    return n;
  }

  /**
   * Steps per epoch from every worker's record count: the longest part's batch count.
   *
   * @throws IllegalArgumentException if some part is empty (too many workers for the data)
   */
  static int stepsPerEpoch(String[] counts, int batchSize, String data) {
    long max = 0;
    List<Integer> empty = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      long c = Long.parseLong(counts[i]);
      if (c == 0) {
        empty.add(i);
      }
      max = Math.max(max, c);
    }
    if (!empty.isEmpty()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s: part(s) %s of %d hold no records; use fewer workers (--num-workers) or more"
              + " data", data, empty, counts.length));
    }
    long steps = (max + batchSize - 1) / batchSize;
    if (steps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(data + ": " + max + " records per part is too many");
    }
    return (int) steps;
  }

  /** Where a task's progress goes: the driver (dist_sync), or the task itself (local). */
  abstract static class TaskReporter implements AutoCloseable {
    abstract void report(WorkerReport r);

    /** Hands the epoch's weights over (local mode; the server holds them in dist mode). */
    abstract void epochWeights(int epoch, Module module);

    /** Tells the driver about a failure before the connection closes. */
    abstract void failed(int rank, Exception e);

    /** Metrics computed in the task (local mode), or an empty list. */
    abstract List<EpochMetrics> finish() throws IOException;

    /** The last epoch's {@code .params} image (local mode), or null. */
    abstract byte[] lastParams();

    @Override
    public abstract void close();

    static TaskReporter remote(DistKVStore kv) {
      return new TaskReporter() {
        @Override
        void report(WorkerReport r) {
          kv.sendMessage(r.encode());
        }

        @Override
        void epochWeights(int epoch, Module module) {}

        @Override
        void failed(int rank, Exception e) {
          try {
            kv.sendMessage(TrainJob.FAILURE_PREFIX + describe(e));
          } catch (RuntimeException ignored) {
            // the connection may be what failed; the task's own exception is reported anyway
          }
        }

        @Override
        List<EpochMetrics> finish() {
          return List.of();
        }

        @Override
        byte[] lastParams() {
          return null;
        }

        @Override
        public void close() {}
      };
    }

    static TaskReporter local(TrainConfig config, Symbol symbol, Configuration conf)
        throws IOException {
      ProgressTracker tracker = new ProgressTracker(1, config.epochs(), System.out::println,
          System::nanoTime);
      EpochCheckpointer ckpt = new EpochCheckpointer(config, symbol, conf, tracker,
          System.out::println);
      ckpt.writeSymbol();
      return new TaskReporter() {
        @Override
        void report(WorkerReport r) {
          tracker.onReport(0, r);
        }

        @Override
        void epochWeights(int epoch, Module module) {
          ckpt.onEpochEnd(epoch, module.getParams()); // hands the copies over
        }

        @Override
        void failed(int rank, Exception e) {
          tracker.abort(e);
        }

        @Override
        List<EpochMetrics> finish() throws IOException {
          try {
            return ckpt.finish();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing checkpoints");
          }
        }

        @Override
        byte[] lastParams() {
          return ckpt.lastParams();
        }

        @Override
        public void close() {
          ckpt.close();
        }
      };
    }
  }
}
