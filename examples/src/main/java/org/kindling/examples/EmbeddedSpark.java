package org.kindling.examples;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.kindling.spark.CpuAccelConf;
import org.kindling.spark.KindlingConf;
import org.kindling.spark.MemoryLimit;

/**
 * A Spark session inside the command's own JVM, for the demo and the {@code train} and
 * {@code score} commands: bound to loopback (so nothing listens on the machine's external
 * interface), without the web UI, with two shuffle partitions (the data are small), and with
 * the logging of the application's log4j configuration (the command line's keeps Spark silent
 * unless {@code --verbose}).
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
    return start(master, appName, Map.of());
  }

  /**
   * Starts (or returns the running) session with Kindling's settings {@code kindlingConf} in
   * this JVM and in the executors, e.g. {@link MemoryLimit#KEY} or {@link CpuAccelConf}'s keys
   * (the command line's {@code --memory-limit}, {@code --accel} and {@code --threads}).
   */
  public static SparkSession start(String master, String appName,
      Map<String, String> kindlingConf) {
    SparkSession.Builder b = SparkSession.builder()
        .master(master)
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2");
    if (master.startsWith("local")) {
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    kindlingConf.forEach(b::config);
    // no setLogLevel: it would override the log4j configuration (the command line's is silent
    // unless --verbose)
    SparkSession spark = b.getOrCreate();
    // the driver's share (checkpoint checks, validation) from its first allocation on
    KindlingConf.apply(spark.sparkContext().getConf());
    return spark;
  }
}
