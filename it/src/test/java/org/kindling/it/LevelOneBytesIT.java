package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.kindling.kvstore.TrafficSnapshot;
import org.kindling.spark.TrainConfig;
import org.kindling.spark.TrainJob;
import org.kindling.spark.TrainResult;

/**
 * Level-1 aggregation measured on a real cluster: {@code local-cluster[2,2,2048]} (two executor
 * JVMs of two cores, so the four tasks run two per JVM) trains the same MLP with {@code
 * dist_sync} (every task talks to the driver) and {@code dist_device_sync} (the two tasks of an
 * executor sum first, one of them talks to the driver). The driver's server counts the bytes
 * (issue 10's goal: with level 1 they are 1/K, K = 2, within the frames' overhead).
 */
class LevelOneBytesIT {
  private static final Path WORK = Path.of("target", "it-level1").toAbsolutePath();

  @Test
  void bytesThroughTheDriverAreHalvedWithTwoTasksPerExecutor() throws Exception {
    Files.createDirectories(WORK);
    Path data = WORK.resolve("train.rec");
    SyntheticRecords.write(data, 512, 64, 3); // 4 workers x batch 32: 4 steps
    SparkSession spark = SparkSession.builder().master("local-cluster[2,2,2048]")
        .appName("LevelOneBytesIT")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.memory", "1g")
        // the executors run the test's class path; no Spark distribution is installed
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executorEnv.SPARK_TESTING", "1")
        .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
        .getOrCreate();
    try {
      // a barrier stage needs all 4 slots: wait until both executors have registered (the
      // driver counts as one), failing with the count rather than hanging if they never do
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      int seen;
      while ((seen = spark.sparkContext().statusTracker().getExecutorInfos().length) < 3) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("local-cluster registered " + (seen - 1)
              + " of 2 executors within 3 minutes");
        }
        Thread.sleep(200);
      }
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      TrainResult flat = TrainJob.run(spark, config("dist_sync", data), lines::add);
      TrainResult grouped = TrainJob.run(spark, config("dist_device_sync", data), lines::add);
      TrafficSnapshot f = flat.kvTraffic();
      TrafficSnapshot g = grouped.kvTraffic();
      System.out.printf(Locale.ROOT, "dist_sync:        %d B received, %d B sent, %d B arrays%n"
          + "dist_device_sync: %d B received, %d B sent, %d B arrays%n", f.bytesReceived(),
          f.bytesSent(), f.pushedBytes() + f.pulledBytes(), g.bytesReceived(), g.bytesSent(),
          g.pushedBytes() + g.pulledBytes());
      assertThat(lines).anyMatch(l -> l.contains("from 4 worker(s)"));
      assertThat(lines).anyMatch(l -> l.contains("from 2 worker(s)"));
      // per key, the array bytes pushed and pulled are exactly 1/K of dist_sync's
      assertThat(g.perKey().keySet()).isEqualTo(f.perKey().keySet());
      f.perKey().forEach((key, fb) -> {
        assertThat(g.perKey().get(key).pushed() * 2).as("pushed %s", key).isEqualTo(fb.pushed());
        assertThat(g.perKey().get(key).pulled() * 2).as("pulled %s", key).isEqualTo(fb.pulled());
      });
      // on the socket: half of dist_sync's, give or take what is not array data (frame
      // headers, logins, heartbeats, the tasks' progress messages, rank 0's initial values)
      long overhead = f.totalBytes() - (f.pushedBytes() + f.pulledBytes());
      assertThat(overhead).as("overhead is small against the arrays")
          .isLessThan(f.totalBytes() / 10);
      assertThat((double) g.totalBytes()).isCloseTo(f.totalBytes() / 2.0,
          org.assertj.core.data.Offset.offset((double) overhead));
      // the same gradients were summed (2 per executor, then 2 groups), so training agrees
      assertThat(grouped.last().trainAccuracy()).isCloseTo(flat.last().trainAccuracy(),
          org.assertj.core.data.Offset.offset(0.02));
    } finally {
      String app = spark.sparkContext().applicationId();
      spark.stop();
      // without SPARK_HOME the cluster's workers keep executor logs under ./work/<app>
      deleteTree(Path.of("work", app));
      try (var left = Files.list(Path.of("work"))) {
        if (left.findAny().isEmpty()) {
          Files.delete(Path.of("work"));
        }
      } catch (java.io.IOException ignored) {
        // another run's logs are still there
      }
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static TrainConfig config(String kvstore, Path data) {
    return TrainConfig.builder().data(data.toString()).inputShape(64).hidden(256).numClasses(4)
        .batchSize(32).epochs(1).numWorkers(4).kvstore(kvstore).build();
  }
}
