package org.kindling.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.io.split.ShuffledPartSource;
import org.kindling.kvstore.DeviceGroups;
import org.kindling.kvstore.DistKVStore;
import org.kindling.kvstore.GroupKVStore;
import org.kindling.kvstore.KVStoreClientConfig;
import org.kindling.kvstore.KVStores;
import org.kindling.kvstore.ServerAddress;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.kvstore.GradientCompression;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.metric.CompositeEvalMetric;
import org.kindling.symbol.metric.EvalMetric;
import org.kindling.symbol.module.CheckpointParams;
import org.kindling.symbol.module.FitOptions;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.data.DataIter;
import org.kindling.tensor.io.ParamsFile;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The body of one barrier task: worker {@code rank} of {@code W}. It reads byte-range part
 * {@code rank} of {@code W} of the data ({@link TrainingInput}), in a new order every epoch
 * ({@code --shuffle}, the default: {@link ShuffledPartSource}) or in file order through a
 * prefetching reader, agrees with the other workers once (one {@code allGather}) on the number
 * of steps per epoch, connects to the driver's parameter server as {@code rank} (and to the key
 * servers executors host, with {@code --num-servers}), and trains with {@link Module#fit}:
 * forward, backward, push gradients, pull weights, every step; reports go to the driver through a
 * {@link WorkerCallback}.
 *
 * <p>Parts are balanced by bytes, so their record counts differ slightly; every worker runs
 * {@code max over workers of ceil(records / batch)} steps per epoch ({@link FixedStepsIter}).
 * A resumed job ({@code --begin-epoch N}) starts every worker from checkpoint N: the weights
 * (rank 0's reach the server first, and they are all equal) and the auxiliary states, which
 * each worker then updates on its own, as in MXNet; the optimizer states are the server's
 * ({@code dist_sync}) or loaded here ({@code local}).
 *
 * <p>Instances travel to the executors in the stage's closure: everything here is serializable
 * and small (the config, the symbol JSON, the Hadoop settings, the server's address, the job's
 * secret and the names of the checkpoint to resume from).
 */
final class TrainTask extends AbstractFunction1<Iterator<Integer>, Iterator<TaskOutcome>>
    implements Serializable {
  private static final long serialVersionUID = 4L;

  private final TrainConfig config;
  private final String symbolJson;
  private final HadoopConfHolder hadoopConf;
  private final String serverHost;
  private final int serverPort;
  private final int serverWorkers;
  private final byte[] secret;
  private final List<ServerAddress> keyServers;
  private final int bigArrayBound;
  private final CheckpointDirectory.Resume resume;
  private final int executorCores;

  /**
   * @param serverHost the parameter server's host, or null for {@code --kvstore local}
   * @param serverWorkers the server's worker count: the tasks, or the level-1 groups
   * @param keyServers the key servers executors host ({@code --num-servers}), or empty: the
   *     driver's server holds every key
   * @param bigArrayBound elements from which a key is split across the key servers
   * @param resume the checkpoint to continue from, or null
   * @param executorCores each executor's cores as the driver knows them, 0 if unknown: the
   *     executor's thread budget ({@link TaskSetup#begin(int)})
   */
  TrainTask(TrainConfig config, String symbolJson, HadoopConfHolder hadoopConf,
      String serverHost, int serverPort, int serverWorkers, byte[] secret,
      List<ServerAddress> keyServers, int bigArrayBound, CheckpointDirectory.Resume resume,
      int executorCores) {
    this.config = config;
    this.symbolJson = symbolJson;
    this.hadoopConf = hadoopConf;
    this.serverHost = serverHost;
    this.serverPort = serverPort;
    this.serverWorkers = serverWorkers;
    this.secret = secret == null ? null : secret.clone();
    this.keyServers = List.copyOf(keyServers);
    this.bigArrayBound = bigArrayBound;
    this.resume = resume;
    this.executorCores = executorCores;
  }

  @Override
  public Iterator<TaskOutcome> apply(Iterator<Integer> partition) {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    int rank = ctx.partitionId();
    TaskSetup.begin(executorCores);
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
    Symbol symbol = Symbol.fromJson(symbolJson, "the job's network");
    TrainingInput input = TrainingInput.open(config, split, rank, workers);
    long records;
    int steps;
    DataIter batches;
    try {
      records = input.records();
      String[] counts = ctx.allGather(Long.toString(records));
      steps = TrainingInput.stepsPerEpoch(counts, config.batchSize(), config.data());
      batches = input.iterator(steps);
    } catch (RuntimeException | IOException e) {
      try {
        input.close();
      } catch (IOException c) {
        e.addSuppressed(c);
      }
      throw e;
    }
    // resources close in reverse order, and a failure while closing is added to the original
    // failure instead of hiding it
    try (DataIter data = batches;
        KVStore kv = openStore(rank, ctx);
        TaskReporter reporter = kv instanceof DistKVStore dist
            ? TaskReporter.remote(dist::sendMessage)
            : kv instanceof GroupKVStore group
                ? TaskReporter.remote(group::sendMessage)
                : TaskReporter.local(config, symbol, conf)) {
      try (Module module = new Module(symbol, List.of(Networks.DATA),
          symbol.listArguments().contains(Networks.LABEL) ? List.of(Networks.LABEL)
              : List.of())) {
        if (kv instanceof GroupKVStore group) {
          // the executor's tasks read one copy of the weights, which each pull writes once
          module.bindParamsTo(group::sharedParam);
        }
        module.bind(data.provideData(), data.provideLabel(), true);
        initParams(module, symbol, conf);
        GradientCompression gc = config.gradientCompression();
        if (gc != null && gc.enabled()) {
          kv.setGradientCompression(gc.params()); // before the first push, as MXNet's Module
        }
        module.initOptimizer(kv, config.optimizer());
        if (resume != null && resume.statesFile() != null && !config.distributed()) {
          module.loadOptimizerStates(readStates(conf));
        }
        List<EvalMetric> metrics = config.createMetrics();
        module.fit(data, null, FitOptions.builder(config.epochs())
            .beginEpoch(config.beginEpoch())
            .evalMetric(new CompositeEvalMetric(metrics))
            .callbacks(new WorkerCallback(rank, steps, config, metrics, reporter, module,
                System::nanoTime, input.corruptCounts()))
            .log(line -> { })
            .build());
        List<EpochMetrics> epochs = reporter.finish();
        long samples = (long) steps * config.batchSize() * (config.epochs() - config.beginEpoch());
        return new TaskOutcome(rank, records, steps, samples, epochs, reporter.lastParams());
      } catch (RuntimeException | IOException e) {
        if (kv instanceof GroupKVStore group) {
          group.fail(e); // the other tasks of this executor stop waiting for this one
        }
        reporter.failed(rank, e);
        throw e;
      }
    }
  }

  /**
   * The task's store: the local one, a connection of its own ({@code dist_sync}, {@code
   * dist_async}), or its executor's level-1 group ({@code dist_device_sync}), whose groups come
   * from the barrier stage's task addresses (decision 0025).
   */
  private KVStore openStore(int rank, BarrierTaskContext ctx) {
    String type = config.kvstore().mxName();
    if (serverHost == null) {
      return KVStores.create(type);
    }
    if (!config.kvstore().levelOne()) {
      return connect(type, rank, config.numWorkers());
    }
    BarrierTaskInfo[] infos = ctx.getTaskInfos(); // ordered by partition id = task rank
    String[] addresses = new String[infos.length];
    for (int i = 0; i < infos.length; i++) {
      addresses[i] = infos[i].address();
    }
    ExecutorGroups groups = ExecutorGroups.of(addresses);
    groups.require(serverWorkers, addresses);
    int g = groups.groupOf(rank);
    String id = "kindling-" + serverHost + ":" + serverPort + "-stage-" + ctx.stageId() + "."
        + ctx.stageAttemptNumber() + "-group-" + g;
    return DeviceGroups.join(id, type, rank, groups.ranksOf(g), config.numWorkers(),
        DeviceGroups.DEFAULT_TIMEOUT,
        () -> connect(type, g, serverWorkers));
  }

  /** A connection to the driver's server and the key servers as {@code rank} of {@code w}. */
  private KVStore connect(String type, int rank, int w) {
    return KVStores.connect(KVStoreClientConfig.builder().type(type).host(serverHost)
        .port(serverPort).secret(secret).rank(rank).numWorkers(w).keyServers(keyServers)
        .bigArrayBound(bigArrayBound).build());
  }

  /** The initializer's values, or a resumed job's checkpoint. */
  private void initParams(Module module, Symbol symbol, Configuration conf) throws IOException {
    if (resume == null) {
      module.initParams(config.createInitializer());
      return;
    }
    String file = resume.paramsFile();
    byte[] bytes = HadoopFiles.readAll(new org.apache.hadoop.fs.Path(file), conf);
    try (CheckpointParams p = CheckpointParams.split(ParamsFile.read(bytes, file), symbol,
        file)) {
      module.initParams(null, p.args(), p.aux(), false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private byte[] readStates(Configuration conf) throws IOException {
    return HadoopFiles.readAll(new org.apache.hadoop.fs.Path(resume.statesFile()), conf);
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
}
