package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.kindling.kvstore.TrafficSnapshot;
import org.kindling.spark.TrainConfig;
import org.kindling.spark.TrainJob;
import org.kindling.spark.TrainResult;
import org.kindling.spark.TrainingFailedException;

/**
 * {@code --num-servers} on a real cluster: {@code local-cluster[2,1,1024]} (two executor JVMs of
 * one core; and {@code [2,2,2048]} for level-1 groups) trains the same MLP with {@code dist_sync} on two workers with the keys on the
 * driver (S = 0) and on two key servers hosted by the executors (S = 2). The checkpoints are the
 * same bytes, the S = 2 checkpoint of epoch 1 resumes on one key server to the same weights, the
 * driver's link carries barriers and messages only, and every hosted server's port is closed
 * once its job is over. Prints the bytes through the driver per step (docs/benchmarks.md).
 */
class KeyServersClusterIT {
  private static final Path WORK = Path.of("target", "it-key-servers").toAbsolutePath();
  private static final Pattern SERVER = Pattern.compile(" (\\d+) on ([^ :]+):(\\d+) \\(executor");
  /** 512 records, 2 workers x batch 32: 8 steps per epoch, 2 epochs. */
  private static final int STEPS = 16;

  @Test
  void keyServersInExecutorsTrainTheDriversBytesAndTakeTheKeysOffItsLink() throws Exception {
    Files.createDirectories(WORK);
    Path data = WORK.resolve("train.rec");
    SyntheticRecords.write(data, 512, 64, 3);
    String driver = WORK.resolve("s0/mlp").toString();
    String hosted = WORK.resolve("s2/mlp").toString();
    SparkSession spark = LocalCluster.start("local-cluster[2,1,1024]", 2, "KeyServersClusterIT");
    try {
      TrainResult whole = TrainJob.run(spark, config(data, "0", driver).build(), l -> { });
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      TrainResult split = TrainJob.run(spark, config(data, "2", hosted).build(), lines::add);
      lines.forEach(System.out::println);
      for (String epoch : List.of("-0001", "-0002")) {
        assertThat(Files.readAllBytes(Path.of(hosted + epoch + ".params")))
            .isEqualTo(Files.readAllBytes(Path.of(driver + epoch + ".params")));
        assertThat(Files.readAllBytes(Path.of(hosted + epoch + ".states")))
            .isEqualTo(Files.readAllBytes(Path.of(driver + epoch + ".states")));
      }
      String placement = lines.stream().filter(l -> l.startsWith("kindling: 2 key server(s):"))
          .findFirst().orElseThrow();
      assertThat(placement).doesNotContain("executor driver");
      TrafficSnapshot d0 = whole.driverTraffic();
      TrafficSnapshot d2 = split.driverTraffic();
      System.out.printf(Locale.ROOT, "bytes through the driver per step: S = 0 %.0f received,"
          + " %.0f sent; S = 2 %.0f received, %.0f sent; arrays (both) %.0f pushed, %.0f"
          + " pulled%n", (double) d0.bytesReceived() / STEPS, (double) d0.bytesSent() / STEPS,
          (double) d2.bytesReceived() / STEPS, (double) d2.bytesSent() / STEPS,
          (double) split.kvTraffic().pushedBytes() / STEPS,
          (double) split.kvTraffic().pulledBytes() / STEPS);
      assertThat(d2.pushedBytes() + d2.pulledBytes()).isZero();
      assertThat(split.kvTraffic().pushedBytes()).isEqualTo(whole.kvTraffic().pushedBytes());
      assertThat(split.kvTraffic().pulledBytes()).isEqualTo(whole.kvTraffic().pulledBytes());
      assertThat(d2.totalBytes()).isLessThan(d0.totalBytes() / 10);
      assertGone(placement);

      List<String> resumedLines = Collections.synchronizedList(new ArrayList<>());
      TrainResult resumed = TrainJob.run(spark, config(data, "1", hosted).beginEpoch(1)
          .overwrite(true).build(), resumedLines::add);
      assertThat(resumed.params()).isEqualTo(whole.params());
      assertGone(resumedLines.stream().filter(l -> l.startsWith("kindling: 1 key server(s):"))
          .findFirst().orElseThrow());
    } finally {
      LocalCluster.stop(spark);
    }
  }

  /**
   * The default store on {@code local-cluster[2,2,2048]}: four tasks in two level-1 groups, each
   * group's one connection a worker of the executor-hosted key servers.
   */
  @Test
  void levelOneGroupsTrainOnExecutorHostedKeyServersToTheSameBits() throws Exception {
    Files.createDirectories(WORK);
    Path data = WORK.resolve("train4.rec");
    SyntheticRecords.write(data, 512, 64, 5);
    SparkSession spark = LocalCluster.start("local-cluster[2,2,2048]", 2, "KeyServersClusterIT");
    try {
      TrainResult whole = TrainJob.run(spark, grouped(data, "0").build(), l -> { });
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      TrainResult split = TrainJob.run(spark, grouped(data, "2").build(), lines::add);
      assertThat(split.params()).isEqualTo(whole.params());
      assertThat(lines).anyMatch(l -> l.contains("from 2 worker(s)"));
      assertThat(split.driverTraffic().pushedBytes()).isZero();
      assertThat(split.kvTraffic().pushedBytes()).isEqualTo(whole.kvTraffic().pushedBytes());
      assertGone(lines.stream().filter(l -> l.startsWith("kindling: 2 key server(s):"))
          .findFirst().orElseThrow());
    } finally {
      LocalCluster.stop(spark);
    }
  }

  /**
   * Decision 0055: the executor JVM hosting the job's key server is killed (SIGKILL) once epoch
   * 1 is checkpointed. The job fails at once, its error naming the server, its executor and
   * the checkpoint to resume from (the server is not restarted: MXNet's job fails too), not a
   * worker's timeout; resuming as the error says, on a replacement executor, ends the job.
   */
  @Test
  void aLostKeyServerFailsTheJobNamingItAndTheCheckpointToResumeFrom() throws Exception {
    Files.createDirectories(WORK);
    Path data = WORK.resolve("train-lost.rec");
    SyntheticRecords.write(data, 512, 64, 7);
    String prefix = WORK.resolve("lost/mlp").toString();
    SparkSession spark = LocalCluster.start("local-cluster[2,1,1024]", 2, "KeyServersClusterIT");
    try {
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<String> killed = new AtomicReference<>();
      TrainingFailedException e = assertThrows(TrainingFailedException.class,
          () -> TrainJob.run(spark, config(data, "1", prefix).epochs(8).build(), line -> {
            lines.add(line);
            // printed once epoch 1's files are written, while epoch 2 trains
            if (line.startsWith("epoch 1/8 done") && killed.get() == null) {
              killed.set(killHostOf(lines));
            }
          }));
      lines.forEach(System.out::println);
      System.out.println(e.getMessage());
      String executor = killed.get();
      assertThat(executor).as("killed the key server's executor").isNotNull();
      String placement = lines.stream().filter(l -> l.startsWith("kindling: 1 key server(s):"))
          .findFirst().orElseThrow();
      Matcher server = SERVER.matcher(placement);
      assertThat(server.find()).isTrue();
      assertThat(e.getMessage())
          .contains("key server 0 of 1 on " + server.group(2) + ":" + server.group(3)
              + " (executor " + executor + ") was lost")
          .contains("does not restart a lost key server")
          .doesNotContain("timed out");
      Matcher resume = Pattern.compile("--begin-epoch (\\d+) \\(").matcher(e.getMessage());
      assertThat(resume.find()).as(e.getMessage()).isTrue();
      int from = Integer.parseInt(resume.group(1));
      assertThat(from).isBetween(1, 7);
      assertThat(Path.of(String.format(Locale.ROOT, "%s-%04d.states", prefix, from))).exists();

      LocalCluster.awaitExecutors(spark, 2, executor);
      TrainResult resumed = TrainJob.run(spark, config(data, "1", prefix).epochs(8)
          .beginEpoch(from).overwrite(true).build(), l -> { });
      assertThat(resumed.lastEpoch()).isEqualTo(8);
    } finally {
      LocalCluster.stop(spark);
    }
  }

  /**
   * Kills the executor JVM that hosts key server 0 (named by the placement line among {@code
   * lines}), a child process of this JVM under {@code local-cluster}, and returns its id.
   */
  private static String killHostOf(List<String> lines) {
    String placement;
    synchronized (lines) {
      placement = lines.stream().filter(l -> l.startsWith("kindling: 1 key server(s):"))
          .findFirst().orElseThrow();
    }
    Matcher m = Pattern.compile(" 0 on [^ ]+ \\(executor ([^)]+)\\)").matcher(placement);
    assertThat(m.find()).as(placement).isTrue();
    String id = m.group(1);
    ProcessHandle jvm = ProcessHandle.current().descendants()
        .filter(p -> isExecutor(p, id)).findFirst()
        .orElseThrow(() -> new AssertionError("no executor JVM with id " + id + " among "
            + ProcessHandle.current().descendants().map(p -> p.pid() + " "
                + p.info().command().orElse("?")).toList()));
    jvm.destroyForcibly();
    jvm.onExit().join();
    return id;
  }

  private static boolean isExecutor(ProcessHandle p, String id) {
    List<String> a;
    try {
      // ProcessHandle.Info may leave a long command line out; /proc has all of it
      a = List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()),
          "cmdline")), java.nio.charset.StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      return false; // ended meanwhile
    }
    int at = a.indexOf("--executor-id");
    return a.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend") && at >= 0
        && at + 1 < a.size() && a.get(at + 1).equals(id);
  }

  private static TrainConfig.Builder grouped(Path data, String servers) {
    return TrainConfig.builder().data(data.toString()).inputShape(64).hidden(256).numClasses(4)
        .batchSize(32).epochs(1).numWorkers(4).kvstore("dist_device_sync")
        .bigArrayBound("1000").numServers(servers);
  }

  /** Adam (elementwise, two states per weight); bound 1000 splits both weight matrices. */
  private static TrainConfig.Builder config(Path data, String servers, String prefix) {
    return TrainConfig.builder().data(data.toString()).inputShape(64).hidden(256).numClasses(4)
        .batchSize(32).epochs(2).numWorkers(2).kvstore("dist_sync").optimizer("adam")
        .learningRate(0.01).bigArrayBound("1000").numServers(servers).modelPrefix(prefix)
        .overwrite(true).dispBatches(4);
  }

  /** Every server of a placement line has closed its port (they end asynchronously). */
  private static void assertGone(String placement) throws IOException, InterruptedException {
    Matcher m = SERVER.matcher(placement);
    int n = 0;
    while (m.find()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try (Socket s = new Socket(m.group(2), Integer.parseInt(m.group(3)))) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("key server " + m.group(2) + ":" + m.group(3)
                + " still accepts connections 60 s after its job");
          }
        } catch (ConnectException e) {
          break;
        }
        Thread.sleep(100);
      }
      n++;
    }
    assertThat(n).as("servers in: %s", placement).isPositive();
  }
}
