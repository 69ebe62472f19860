package org.kindling.examples;

import org.apache.spark.sql.SparkSession;

/**
 * A Spark session inside the command's own JVM, for the demo and the {@code train} and
 * {@code score} commands: bound to loopback (so nothing listens on the machine's external
 * interface), without the web UI, with two shuffle partitions (the data are small) and with
 * Spark's logging at WARN (the examples' {@code log4j2.properties}).
 */
public final class EmbeddedSpark {
  private EmbeddedSpark() {}

  /**
   * Starts (or returns the running) session.
   *
   * @param master a Spark master URL, e.g. {@code local[2]}
   * @param appName the application name shown in logs
   */
  public static SparkSession start(String master, String appName) {
    SparkSession.Builder b = SparkSession.builder()
        .master(master)
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2");
    if (master.startsWith("local")) {
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
