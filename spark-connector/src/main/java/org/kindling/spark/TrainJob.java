package org.kindling.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.kvstore.KVStoreException;
import org.kindling.kvstore.KVStoreServer;
import org.kindling.kvstore.KVStoreServerConfig;
import org.kindling.kvstore.SyncMode;
import org.kindling.kvstore.TaskMessage;
import org.kindling.kvstore.TrafficSnapshot;
import org.kindling.symbol.kvstore.GradientCompression;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.module.CheckpointParams;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.io.ParamsFile;
import scala.reflect.ClassTag$;

/**
 * The distributed training job, for {@code spark-submit --class org.kindling.spark.TrainJob
 * kindling-spark-assembly.jar --data hdfs://.../train.rec --num-workers 4 ...} (see
 * {@link TrainArgs} for the options) or embedded through {@link #run(SparkSession, TrainConfig)}.
 *
 * <p>The driver checks the checkpoint prefix ({@link CheckpointDirectory}: stale temporary files
 * removed, existing checkpoints kept unless {@code --overwrite}, the checkpoint of {@code
 * --begin-epoch} found and checked against the network), starts the parameter server ({@link
 * KVStoreServer}) on {@code spark.driver.bindAddress} (else {@code spark.driver.host}) with a
 * fresh 32-byte secret, on {@code --kvstore-port} or an ephemeral port ({@link KVStorePortConf})
 * (with a resumed job's optimizer states), and launches one barrier stage of W tasks
 * ({@link TrainTask}). Tasks report progress to the server's message listener, which prints it;
 * when rank 0 reports the end of an epoch the listener snapshots the server's weights and
 * optimizer states before rank 0 may push again, so the checkpoint is the synchronized state
 * after exactly that epoch; auxiliary states (BatchNorm's moving statistics) are per worker, as
 * in MXNet's distributed training, and the checkpoint holds worker 0's. Checkpoints ({@code
 * PREFIX-symbol.json}, {@code PREFIX-%04d.params}, {@code PREFIX-%04d.states}) and the history
 * ({@code PREFIX-history.csv/.json/.png}) are written atomically on any Hadoop file system. The
 * server is always closed; a task failure becomes a {@link TrainingFailedException} whose
 * message is the first failing worker's error.
 *
 * <p>With {@code --num-servers S} the keys live on S key servers that executors host for the
 * job ({@link HostedKeyServers}, decision 0040): the driver's server keeps barriers and
 * messages, the checkpoints are read from the key servers over the driver's controller logins,
 * and the progress figures sum all servers' counters.
 */
public final class TrainJob {

  /** First word of a worker's failure message to the driver. */
  static final String FAILURE_PREFIX = "kindling-failed ";
  /**
   * How long a hosted key server waits for the driver's controller: the driver logs in right
   * after the hosting job, so only a driver that failed in between misses it.
   */
  static final Duration KEY_SERVER_LOGIN_DEADLINE = Duration.ofMinutes(2);

  private TrainJob() {}

  /**
   * Entry point of {@code spark-submit}. Exit codes: 0 on success, 1 if training failed, 2 for
   * invalid options.
   */
  public static void main(String[] args) {
    if (TrainArgs.wantsHelp(args)) {
      System.out.print(TrainArgs.usage(
          "spark-submit --class org.kindling.spark.TrainJob kindling-spark-assembly.jar"));
      return;
    }
    TrainConfig config;
    try {
      config = TrainArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("kindling: error: " + e.getMessage());
      System.err.println("Try '--help' for the list of options.");
      System.exit(2);
      return;
    }
    SparkSession spark = session(config);
    int code = 0;
    try {
      TrainResult result = run(spark, config);
      System.out.println(summary(result));
    } catch (TrainingFailedException | IllegalArgumentException | UncheckedIOException e) {
      System.err.println("kindling: error: " + e.getMessage());
      code = 1;
    } finally {
      spark.stop();
    }
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * The session of {@code spark-submit}, or a local one bound to loopback for {@code --master
   * local[N]}; with {@code --memory-limit}, {@code --accel} or {@code --threads}, their keys
   * ({@link TrainConfig#sessionConf()}).
   */
  static SparkSession session(TrainConfig config) {
    SparkSession.Builder b = SparkSession.builder().appName("kindling-train");
    config.sessionConf().forEach(b::config);
    if (config.master() != null) {
      b.master(config.master());
      if (config.master().startsWith("local")) {
        b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false");
      }
    }
    return b.getOrCreate();
  }

  /** One line about a finished job. */
  public static String summary(TrainResult r) {
    EpochMetrics last = r.last();
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "kindling: trained %d epochs:"
        + " ", r.metrics().size()));
    s.append(values("train", last.train()));
    if (!last.val().isEmpty()) {
      s.append(", ").append(values("val", last.val()));
    }
    s.append(String.format(Locale.ROOT, ", %.0f samples/s", last.samplesPerSecond()));
    long skipped = r.metrics().stream().mapToLong(EpochMetrics::skippedRecords).sum();
    if (skipped > 0) {
      s.append(", ").append(skipped).append(" corrupt record").append(skipped == 1 ? "" : "s")
          .append(" skipped over ").append(r.metrics().size()).append(" epoch")
          .append(r.metrics().size() == 1 ? "" : "s");
    }
    if (r.modelPrefix() != null) {
      s.append(", checkpoint ").append(r.lastParamsFile()).append(", history ")
          .append(Checkpoints.historyFile(r.modelPrefix(), "{csv,json,png}"));
    }
    return s.toString();
  }

  private static String values(String prefix, Map<String, Double> byName) {
    StringBuilder s = new StringBuilder();
    byName.forEach((k, v) -> s.append(s.length() == 0 ? "" : " ").append(prefix).append('-')
        .append(k).append(String.format(Locale.ROOT, " %.4f", v)));
    return s.toString();
  }

  /** Trains with progress lines on standard output; see {@link #run(SparkSession, TrainConfig, Consumer)}. */
  public static TrainResult run(SparkSession spark, TrainConfig config) {
    return run(spark, config, System.out::println);
  }

  /**
   * Trains {@code config} on {@code spark} and returns the per-epoch metrics and the checkpoint
   * location.
   *
   * @param progress receives the progress and per-epoch lines
   * @throws TrainingFailedException if a task failed (message: the first worker's error)
   * @throws IllegalArgumentException if the network or the data cannot be used
   * @throws UncheckedIOException if the data, the symbol file or a checkpoint cannot be read or
   *     written
   */
  public static TrainResult run(SparkSession spark, TrainConfig config,
      Consumer<String> progress) {
    return run(spark, config, progress, UnaryOperator.identity());
  }

  /**
   * As {@link #run(SparkSession, TrainConfig, Consumer)}, with {@code serverSettings} applied to
   * the parameter server's settings last (tests inject faults through them).
   */
  static TrainResult run(SparkSession spark, TrainConfig config, Consumer<String> progress,
      UnaryOperator<KVStoreServerConfig.Builder> serverSettings) {
    KindlingConf.apply(spark.sparkContext().getConf());
    GradientCompression gc = GradientCompressionConf.resolve(config,
        spark.sparkContext().getConf());
    if (gc.enabled() && config.gradientCompression() == null) {
      // from the Spark conf: the tasks read it from their copy of the config
      config = config.toBuilder().gradientCompression(gc).build();
    }
    config = SkipCorruptConf.resolve(config, spark.sparkContext().getConf());
    config = ShuffleConf.resolve(config, spark.sparkContext().getConf());
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Symbol symbol;
    CheckpointDirectory.Resume resume;
    byte[] states;
    try {
      symbol = Networks.forConfig(config, conf);
      // fail on the driver, before any task starts, if an input cannot be found
      RecordIOSplit.open(config.data(), conf);
      if (config.valData() != null) {
        RecordIOSplit.open(config.valData(), conf);
      }
      requireSlots(spark, config);
      resume = CheckpointDirectory.prepare(config, conf, progress);
      states = resume == null ? null : ResumeCheck.check(config, symbol, resume, conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    progress.accept(String.format(Locale.ROOT,
        "kindling: training %s on %s (%s): %d worker(s) x batch %d, epochs %d..%d%s, %s, %s,"
            + " initializer %s, metrics %s", config.network().describe(config.numClasses(),
            config.inputShape()), config.data(), config.image(), config.numWorkers(),
        config.batchSize(),
        config.beginEpoch() + 1, config.epochs(),
        resume == null ? "" : " (from " + resume.paramsFile() + ")",
        config.kvstore() + (gc.enabled() ? " with " + gc + " gradient compression" : ""),
        config.optimizer(), config.initializer(), config.metrics()));
    if (!symbol.listAuxiliaryStates().isEmpty() && config.distributed()) {
      progress.accept("kindling: the network has auxiliary states (BatchNorm's moving"
          + " statistics): each worker keeps its own, as in MXNet; checkpoints hold worker 0's");
    }
    return config.distributed()
        ? runDistributed(spark, config, symbol, conf, resume, states, progress, serverSettings)
        : runLocal(spark, config, symbol, conf, resume, progress);
  }

  private static TrainResult runDistributed(SparkSession spark, TrainConfig config,
      Symbol symbol, Configuration conf, CheckpointDirectory.Resume resume, byte[] states,
      Consumer<String> progress, UnaryOperator<KVStoreServerConfig.Builder> serverSettings) {
    SparkConf sparkConf = spark.sparkContext().getConf();
    String host = sparkConf.get("spark.driver.host", localAddress());
    String bindHost = sparkConf.get("spark.driver.bindAddress", host);
    byte[] secret = KVStoreServerConfig.randomSecret();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    // with level 1 the server's workers are the executors' groups, not the tasks
    int serverWorkers = config.kvstore().levelOne()
        ? ExecutorGroups.expectedGroups(spark.sparkContext().master(), sparkConf,
            config.numWorkers())
        : config.numWorkers();
    int numServers = ServerShardsConf.numServersOf(config, sparkConf);
    int bound = ServerShardsConf.boundOf(config, sparkConf);
    SyncMode mode = config.kvstore().async() ? SyncMode.ASYNC : SyncMode.SYNC;
    int port = KVStorePortConf.portOf(config, sparkConf);
    int retries = KVStorePortConf.retriesOf(sparkConf);
    try (KVStoreServer server = startServer(serverSettings.apply(
        ServerShardsConf.apply(config, sparkConf, KVStoreServerConfig.builder()
            .bindHost(bindHost).port(port).portRetries(retries).numWorkers(serverWorkers)
            .secret(secret).mode(mode)))
        .build())) {
      String jobGroup = "kindling-training-" + server.port() + "-" + System.nanoTime();
      try (HostedKeyServers hosted = numServers == 0 ? null : hostKeyServers(spark, config,
              symbol, conf, resume, jobGroup + "-key-servers", numServers, serverWorkers, mode,
              secret, bound, progress);
          EpochCheckpointer ckpt = new EpochCheckpointer(config, symbol, conf,
              new ProgressTracker(config.numWorkers(), config.beginEpoch(), config.epochs(),
                  config.metrics(), progress, System::nanoTime,
                  new KVStoreMeter(traffic(server, hosted), config.kvstore().async())),
              progress)) {
        ProgressTracker tracker = ckpt.tracker();
        // a lost key server is not restarted (decision 0055): its keys' values and optimizer
        // states are gone, so the job fails at once naming it, before the workers' echoes
        AtomicReference<String> lostServer = new AtomicReference<>();
        if (hosted != null) {
          hosted.onLost(what -> {
            if (lostServer.compareAndSet(null, what)) {
              progress.accept("kindling: " + what + "; cancelling the training stage");
              spark.sparkContext().cancelJobGroup(jobGroup);
            }
          });
        }
        ckpt.writeSymbol();
        if (states != null && hosted == null) {
          server.preloadOptimizerStates(states);
        }
        // a server that failed for good (out of memory while summing) ends the stage at once,
        // with its cause as the job's error instead of the workers' echoes of it
        server.setFailureListener(cause -> {
          firstFailure.compareAndSet(null, cause.getMessage());
          spark.sparkContext().cancelJobGroup(jobGroup);
        });
        server.setMessageListener((connRank, wire) -> {
          TaskMessage m = TaskMessage.parse(connRank, wire); // a group's tasks share a connection
          int rank = m.rank();
          String text = m.text();
          if (text.startsWith(FAILURE_PREFIX)) {
            firstFailure.compareAndSet(null, "worker " + rank + " of " + config.numWorkers()
                + ": " + text.substring(FAILURE_PREFIX.length()));
            return;
          }
          if (!WorkerReport.isReport(text)) {
            progress.accept("worker " + rank + ": " + text);
            return;
          }
          WorkerReport r = WorkerReport.decode(text);
          tracker.onReport(rank, r);
          if (r.epochEnd() && rank == 0) {
            // rank 0 waits in sendMessage until this returns: no sync round can complete, so
            // the snapshot holds exactly the weights and optimizer states after this epoch
            if (hosted == null) {
              ckpt.onEpochEnd(new EpochCheckpointer.EpochState(r.epoch(), server.snapshot(),
                  auxStates(r, symbol), server.optimizerStates()));
            } else {
              // the key servers see no messages: told that rank 0 is busy, not silent
              hosted.whileInListener(connRank, () -> ckpt.onEpochEnd(
                  new EpochCheckpointer.EpochState(r.epoch(), hosted.values(),
                      auxStates(r, symbol), hosted.optimizerStates())));
            }
          }
        });
        progress.accept("kindling: parameter server on " + host + ":" + server.port()
            + (hosted == null ? "" : " (barriers and messages; keys on the key servers)"));
        TrainTask task = new TrainTask(config, symbol.toJson(), new HadoopConfHolder(conf), host,
            server.port(), serverWorkers, secret,
            hosted == null ? List.of() : hosted.addresses(), bound, resume,
            ExecutorGroups.executorCores(spark.sparkContext().master(), sparkConf));
        try {
          runStage(spark, config, task, tracker, firstFailure, jobGroup);
        } catch (TrainingFailedException e) {
          if (lostServer.get() != null) {
            ckpt.settle(); // an epoch snapshotted before the loss is still a checkpoint
            throw new TrainingFailedException("training failed: " + lostServerAdvice(
                lostServer.get(), config, ckpt.savedEpoch()), e);
          }
          // a checkpoint that could not be written stops the job; its message is the cause
          Throwable c = ckpt.failure();
          if (c != null) {
            throw new UncheckedIOException(new IOException(c.getMessage(), c));
          }
          throw e;
        }
        List<EpochMetrics> metrics = ckpt.finish();
        TrafficSnapshot all = traffic(server, hosted).get();
        TrafficSnapshot driver = server.traffic();
        progress.accept(trafficLine(all, serverWorkers, config.kvstore().async())
            + (hosted == null ? "" : String.format(Locale.ROOT, "; of it through the driver's"
                + " link: %d bytes received, %d sent", driver.bytesReceived(),
                driver.bytesSent())));
        return new TrainResult(metrics, config.modelPrefix(), ckpt.lastEpoch(), symbol.toJson(),
            ckpt.lastParams(), all, driver);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainingFailedException("interrupted while waiting for checkpoints", e);
    }
  }

  /**
   * Starts the driver's parameter server; a port in use is reported in terms of {@value
   * KVStorePortConf#PORT}.
   */
  private static KVStoreServer startServer(KVStoreServerConfig config) {
    try {
      return KVStoreServer.start(config);
    } catch (KVStoreException e) {
      throw KVStorePortConf.explain(e, "the driver's parameter server on " + config.bindHost(),
          KVStorePortConf.PORT, "--kvstore-port", config.port(), config.portRetries());
    }
  }

  /**
   * The job's error when a key server was lost: which one, why, and how to go on (resume from
   * the last complete checkpoint; key servers are not restarted, as MXNet's are not).
   */
  static String lostServerAdvice(String lost, TrainConfig config, int savedEpoch) {
    String resume = savedEpoch > 0
        ? String.format(Locale.ROOT, "resume from the last checkpoint: run the job again with"
            + " --begin-epoch %d (%s-%04d.params and .states; any --num-servers)", savedEpoch,
            config.modelPrefix(), savedEpoch)
        : config.modelPrefix() == null
            ? "without --model-prefix there is no checkpoint to resume from: run the job again"
              + " (with --model-prefix to be able to resume after a failure)"
            : "no epoch was checkpointed yet: run the job again from the start";
    return lost + ". Kindling does not restart a lost key server (nor does MXNet, whose"
        + " job fails when a server dies): the keys' values and optimizer states it held are"
        + " gone, so the job stops here; " + resume;
  }

  /** The workers' traffic: the driver's server's counters, with key servers theirs added. */
  private static Supplier<TrafficSnapshot> traffic(KVStoreServer server,
      HostedKeyServers hosted) {
    return hosted == null ? server::traffic : () -> server.traffic().plus(hosted.traffic());
  }

  /**
   * Starts the job's {@code numServers} key servers in executors ({@code --num-servers}) and logs
   * in to them; a resumed job's servers preload their cut of its {@code .states} file.
   */
  private static HostedKeyServers hostKeyServers(SparkSession spark, TrainConfig config,
      Symbol symbol, Configuration conf, CheckpointDirectory.Resume resume, String jobId,
      int numServers, int serverWorkers, SyncMode mode, byte[] secret, int bound,
      Consumer<String> progress) {
    SparkConf sparkConf = spark.sparkContext().getConf();
    if (numServers > serverWorkers) {
      progress.accept("kindling: " + numServers + " key servers for " + serverWorkers
          + " worker connection(s): more servers than workers spreads the keys thinner, it"
          + " does not add bandwidth the workers' own links do not have");
    }
    KeyServerLaunch launch = new KeyServerLaunch(jobId, numServers, serverWorkers, mode, secret,
        ServerShardsConf.shardsOf(config, sparkConf), bound,
        resume == null ? null : resume.statesFile(), new HadoopConfHolder(conf),
        KEY_SERVER_LOGIN_DEADLINE, KVStorePortConf.keyServerPortOf(config, sparkConf),
        KVStorePortConf.retriesOf(sparkConf));
    return HostedKeyServers.start(JavaSparkContext.fromSparkContext(spark.sparkContext()), jobId,
        launch, numServers, config.kvstore().mxName(), secret, serverWorkers, bound,
        HostedKeyServers.parameterShapes(symbol, ResumeCheck.inputShapes(config, symbol)),
        progress);
  }

  /** The job's last line about the parameter server's counters. */
  static String trafficLine(TrafficSnapshot t, int serverWorkers, boolean async) {
    return String.format(Locale.ROOT, "kindling: parameter server traffic: %d bytes received,"
        + " %d sent (%d array bytes pushed, %d pulled) from %d worker(s); rounds waited %.3f s"
        + " for their last push; request queue %.2f deep on average (max %d)%s",
        t.bytesReceived(), t.bytesSent(), t.pushedBytes(), t.pulledBytes(), serverWorkers,
        t.waitNanos() / 1e9, t.queue().depthMean(), t.queue().depthMax(),
        async ? String.format(Locale.ROOT, "; push staleness %.2f on average (max %d)",
            t.stalenessMean(), t.stalenessMax()) : "");
  }

  /** Rank 0's auxiliary states from its epoch-end report (none for networks without). */
  private static Map<String, NDArray> auxStates(WorkerReport r, Symbol symbol) {
    if (r.aux() == null) {
      return Map.of();
    }
    String source = "worker 0's auxiliary states of epoch " + r.epoch();
    try {
      CheckpointParams p = CheckpointParams.split(ParamsFile.read(r.aux(), source), symbol,
          source);
      p.args().values().forEach(NDArray::close);
      return p.aux();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TrainResult runLocal(SparkSession spark, TrainConfig config, Symbol symbol,
      Configuration conf, CheckpointDirectory.Resume resume, Consumer<String> progress) {
    ProgressTracker tracker = new ProgressTracker(1, config.beginEpoch(), config.epochs(),
        config.metrics(), progress, System::nanoTime, null);
    TrainTask task = new TrainTask(config, symbol.toJson(), new HadoopConfHolder(conf), null, 0,
        0, null, List.of(), 0, resume, 0);
    List<TaskOutcome> outcomes = runStage(spark, config, task, tracker, new AtomicReference<>(),
        "kindling-training-local-" + System.nanoTime());
    TaskOutcome o = outcomes.get(0);
    return new TrainResult(o.metrics(), config.modelPrefix(), config.epochs(), symbol.toJson(),
        o.params(), null, null);
  }

  /**
   * Runs the barrier stage in job group {@code jobGroup} (so that it can be cancelled); a failure
   * becomes a {@link TrainingFailedException}.
   */
  private static List<TaskOutcome> runStage(SparkSession spark, TrainConfig config,
      TrainTask task, ProgressTracker tracker, AtomicReference<String> firstFailure,
      String jobGroup) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> ranks = IntStream.range(0, config.numWorkers()).boxed()
        .collect(Collectors.toList());
    JavaRDD<Integer> seeds = jsc.parallelize(ranks, config.numWorkers());
    RDD<TaskOutcome> stage = seeds.rdd().barrier()
        .mapPartitions(task, false, ClassTag$.MODULE$.apply(TaskOutcome.class));
    jsc.setJobGroup(jobGroup, "kindling training (" + config.numWorkers() + " workers)", false);
    try {
      Object collected = stage.collect();
      List<TaskOutcome> out = new ArrayList<>();
      for (Object o : (Object[]) collected) {
        out.add((TaskOutcome) o);
      }
      return out;
    } catch (Exception e) { // SparkException is checked but thrown undeclared by Scala code
      tracker.abort(e);
      String why = firstFailure.get();
      if (why == null) {
        why = TrainingFailedException.describeJobFailure(e);
      }
      throw new TrainingFailedException("training failed: " + why, e);
    } finally {
      jsc.clearJobGroup();
    }
  }

  /**
   * A barrier stage needs all W tasks running at once; Spark would retry an oversized one for
   * minutes before failing, so a local master that is too small fails here at once. (On a
   * cluster, {@code local-cluster} included, executors may still be starting, so the count is
   * not known yet.)
   */
  private static void requireSlots(SparkSession spark, TrainConfig config) {
    String master = spark.sparkContext().master();
    if (master.equals("local") || master.startsWith("local[")) {
      int slots = spark.sparkContext().defaultParallelism();
      if (config.numWorkers() > slots) {
        throw new IllegalArgumentException("--num-workers " + config.numWorkers() + " needs "
            + config.numWorkers() + " tasks running at once, but master " + master + " runs "
            + slots + "; use local[" + config.numWorkers() + "] or fewer workers");
      }
    }
  }

  private static String localAddress() {
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }
}
