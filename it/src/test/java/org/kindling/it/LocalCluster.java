package org.kindling.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * A {@code local-cluster[E,C,M]} session whose executor JVMs run the test's class path (no Spark
 * distribution is installed), started and then waited for until every executor has registered,
 * so that a barrier stage finds all its slots; {@link #stop} removes the executors' logs.
 */
final class LocalCluster {
  private LocalCluster() {}

  /**
   * Starts the session and waits up to 3 minutes for its {@code executors}.
   *
   * @throws AssertionError naming the count if they do not all register
   */
  static SparkSession start(String master, int executors, String app)
      throws InterruptedException {
    SparkSession spark = SparkSession.builder().master(master).appName(app)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.memory", "1g")
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executorEnv.SPARK_TESTING", "1")
        .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
        .getOrCreate();
    // the driver counts as one executor info
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    int seen;
    while ((seen = spark.sparkContext().statusTracker().getExecutorInfos().length) < executors + 1) {
      if (System.nanoTime() > deadline) {
        spark.stop();
        throw new AssertionError("local-cluster registered " + (seen - 1) + " of " + executors
            + " executors within 3 minutes");
      }
      Thread.sleep(200);
    }
    return spark;
  }

  /**
   * Waits up to 3 minutes until {@code executors} executors are registered and {@code gone}
   * (a killed one, which the cluster replaces) is not among them.
   *
   * @throws AssertionError if they are not
   */
  static void awaitExecutors(SparkSession spark, int executors, String gone)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (true) {
      var infos = spark.sparkContext().statusTracker().getExecutorInfos();
      // the driver counts as one executor info; an executor's info has no id, only its host
      // and port, so the killed one is recognized through the block manager's list
      boolean goneLeft = spark.sparkContext().getExecutorIds().contains(gone);
      if (infos.length >= executors + 1 && !goneLeft) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("local-cluster has " + (infos.length - 1) + " of " + executors
            + " executors 3 minutes after executor " + gone + " was lost");
      }
      Thread.sleep(200);
    }
  }

  /** Stops the session and removes the executors' logs ({@code ./work/<app id>}). */
  static void stop(SparkSession spark) throws IOException {
    String app = spark.sparkContext().applicationId();
    spark.stop();
    deleteTree(Path.of("work", app));
    try (var left = Files.list(Path.of("work"))) {
      if (left.findAny().isEmpty()) {
        Files.delete(Path.of("work"));
      }
    } catch (IOException ignored) {
      // another run's logs are still there
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
