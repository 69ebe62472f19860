package org.kindling.bench.kvstore;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.spark.TrainConfig;
import org.kindling.spark.TrainJob;
import org.kindling.spark.TrainResult;

/**
 * The MLP 784-256-128-10's step time with {@code dist_device_sync} on {@code
 * local-cluster[2,1,1024]} (two executor JVMs of one core, one task each, the server on the
 * driver) against a single JVM training the same batch per step alone ({@code --kvstore local}
 * on {@code local[1]}), both with one compute thread, timed over the last of {@code epochs}
 * epochs: the ones before it are the warm-up, the same number of steps for both, so that the
 * three JVMs' just-in-time compilers have settled before the timed epoch (at 120 steps an epoch,
 * the compilers take about as much CPU in the second epoch as the step itself). The distributed
 * step is compute (the single JVM's step) plus the rest (communication and waiting);
 * the server's {@code kv_wait_ms_per_step} tells how long its rounds waited for the slower
 * worker's push, summed over the keys (rounds of different keys overlap in time).
 */
final class DistStepBench {
  private static final int PIXELS = 784;
  private static final int CLASSES = 10;

  private DistStepBench() {}

  /**
   * Step times in milliseconds.
   *
   * @param singleMs the single JVM's step
   * @param distMs the distributed step
   * @param waitMs the server's aggregation wait per step, summed over the keys
   * @param pushedBytes array bytes pushed per step
   * @param singleCpuMs CPU time per step of the single JVM over its timed epoch
   * @param driverCpuMs CPU time per step of the distributed run's driver (Spark and the server)
   * @param executorCpuMs CPU time per step of its two executor JVMs together
   */
  record Result(double singleMs, double distMs, double waitMs, double pushedBytes,
      double singleCpuMs, double driverCpuMs, double executorCpuMs) {}

  /**
   * Samples the CPU time of this JVM and of its child processes (local-cluster's executors) when
   * the driver reports the end of the last warm-up epoch and of the timed one: their differences
   * are the timed epoch's CPU, which a loaded machine inflates far less than its wall time.
   */
  private static final class EpochCpu implements Consumer<String> {
    private final Consumer<String> next;
    private final String warmedUp;
    private final String timed;
    private long[] afterFirst;
    private long[] afterSecond;

    EpochCpu(int epochs, Consumer<String> next) {
      this.next = next;
      this.warmedUp = "epoch " + (epochs - 1) + "/" + epochs + " done";
      this.timed = "epoch " + epochs + "/" + epochs + " done";
    }

    @Override
    public void accept(String line) {
      if (line.startsWith(warmedUp)) {
        afterFirst = sample();
      } else if (line.startsWith(timed)) {
        afterSecond = sample();
      }
      next.accept(line);
    }

    /** {this JVM's CPU ns, its descendants' CPU ns}. */
    private static long[] sample() {
      long self = ((com.sun.management.OperatingSystemMXBean)
          ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
      long children = ProcessHandle.current().descendants()
          .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
      return new long[] {self, children};
    }

    /** CPU ms per step of the second epoch: this JVM's and its descendants'. */
    double[] perStep(int steps) {
      if (afterFirst == null || afterSecond == null) {
        throw new IllegalStateException("the driver reported no end of the epochs '" + warmedUp
            + "' and '" + timed + "'");
      }
      return new double[] {(afterSecond[0] - afterFirst[0]) / 1e6 / steps,
          (afterSecond[1] - afterFirst[1]) / 1e6 / steps};
    }
  }

  /** {@link #run(Path, int, int, int)} with one warm-up epoch (the figures before h-dist). */
  static Result run(Path work, int batch, int steps) throws Exception {
    return run(work, batch, steps, 2);
  }

  /**
   * Trains both set-ups for {@code epochs} epochs of {@code steps} steps and times the last.
   *
   * @throws IllegalArgumentException if {@code epochs < 2} or {@code steps < 1}
   */
  static Result run(Path work, int batch, int steps, int epochs) throws Exception {
    if (epochs < 2 || steps < 1) {
      throw new IllegalArgumentException("DistStepBench needs at least 2 epochs (one of warm-up)"
          + " of at least 1 step, got " + epochs + " epochs of " + steps + " steps");
    }
    Files.createDirectories(work);
    Path single = work.resolve("single.rec");
    Path dist = work.resolve("dist.rec");
    write(single, batch * steps, 1);
    write(dist, 2 * batch * steps, 2);
    SparkSession local = session("local[1]");
    TrainResult one;
    // with --kvstore local the task itself prints the epoch lines, to System.out
    PrintStream out = System.out;
    EpochCpu singleCpu = new EpochCpu(epochs, l -> { });
    System.setOut(new PrintStream(out, true) {
      @Override
      public void println(String line) {
        singleCpu.accept(line);
      }
    });
    try {
      one = TrainJob.run(local, config(single, batch, 1, "local", epochs,
          work.resolve("single/m")),
          l -> { });
    } finally {
      System.setOut(out);
      local.stop();
    }
    SparkSession cluster = session("local-cluster[2,1,1024]");
    TrainResult two;
    EpochCpu distCpu = new EpochCpu(epochs, System.err::println);
    try {
      awaitExecutors(cluster, 2);
      two = TrainJob.run(cluster, config(dist, batch, 2, "dist_device_sync",
          epochs, work.resolve("dist/m")), distCpu);
    } finally {
      String app = cluster.sparkContext().applicationId();
      cluster.stop();
      // without SPARK_HOME the cluster's workers keep executor logs under ./work/<app>
      deleteTree(Path.of("work", app));
    }
    List<String> history = Files.readAllLines(work.resolve("dist/m-history.csv"));
    List<String> header = List.of(history.get(0).split(","));
    String[] last = history.get(epochs).split(",");
    double waitMs = Double.parseDouble(last[header.indexOf("kv_wait_ms_per_step")]);
    double pushed = Double.parseDouble(last[header.indexOf("kv_pushed_bytes_per_step")]);
    double[] distPerStep = distCpu.perStep(steps);
    return new Result(one.metrics().get(epochs - 1).seconds() / steps * 1000,
        two.metrics().get(epochs - 1).seconds() / steps * 1000, waitMs, pushed,
        singleCpu.perStep(steps)[0], distPerStep[0], distPerStep[1]);
  }

  private static TrainConfig config(Path data, int batch, int workers, String kvstore,
      int epochs, Path prefix) {
    return TrainConfig.builder().data(data.toString()).inputShape(PIXELS).hidden(256, 128)
        .numClasses(CLASSES).batchSize(batch).epochs(epochs).numWorkers(workers).kvstore(kvstore)
        .threads("1").modelPrefix(prefix.toString()).overwrite(true).dispBatches(1000)
        .build();
  }

  private static SparkSession session(String master) {
    return SparkSession.builder().master(master).appName("kvstore-bench")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.executor.memory", "1g")
        // the executors run this JVM's class path; no Spark distribution is installed
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executorEnv.SPARK_TESTING", "1")
        .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
        .getOrCreate();
  }

  /** Waits until {@code n} executors (besides the driver) have registered. */
  private static void awaitExecutors(SparkSession spark, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < n + 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("local-cluster registered fewer than " + n
            + " executors within 3 minutes");
      }
      Thread.sleep(200);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    try (var left = Files.list(dir.getParent())) {
      if (left.findAny().isEmpty()) {
        Files.delete(dir.getParent());
      }
    }
  }

  /** {@code n} raw 28x28 records of 10 classes, class k bright in the k-th tenth. */
  private static void write(Path file, int n, long seed) throws IOException {
    Random rnd = new Random(seed);
    int block = PIXELS / CLASSES;
    try (OutputStream out = Files.newOutputStream(file);
        RecordIOWriter w = new RecordIOWriter(out)) {
      for (int i = 0; i < n; i++) {
        int label = rnd.nextInt(CLASSES);
        byte[] img = new byte[PIXELS];
        for (int j = 0; j < PIXELS; j++) {
          img[j] = (byte) ((j / block == label ? 160 : 30) + rnd.nextInt(40));
        }
        w.write(ImageRecordHeader.pack(ImageRecordHeader.of(label, i, 0), img));
      }
    }
  }
}
