package org.kindling.spark;

import org.apache.spark.SparkConf;

/**
 * Whether a training job skips corrupt records ({@link TrainConfig#skipCorrupt()}): {@code
 * --skip-corrupt}, else the Spark conf key {@value #KEY} (a cluster-wide or per-application
 * default, as the other {@code spark.kindling.*} keys), else not.
 */
public final class SkipCorruptConf {
  /** The Spark conf key: {@code true} or {@code false} (the default). */
  public static final String KEY = "spark.kindling.data.skipCorrupt";

  private SkipCorruptConf() {}

  /**
   * {@code config}, with {@code skipCorrupt} set if the Spark conf asks for it.
   *
   * @throws IllegalArgumentException naming the key if its value is not a boolean
   */
  static TrainConfig resolve(TrainConfig config, SparkConf conf) {
    if (config.skipCorrupt() || !conf.contains(KEY)) {
      return config;
    }
    String v = conf.get(KEY).trim();
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(KEY + " must be true or false, got '" + v + "'");
    }
    // the tasks read it from their copy of the config
    return Boolean.parseBoolean(v) ? config.toBuilder().skipCorrupt(true).build() : config;
  }
}
