package org.kindling.spark;

import org.apache.spark.SparkConf;

/**
 * Whether training shuffles each worker's part every epoch ({@link TrainConfig#shuffle()}):
 * {@code --shuffle} or {@code --no-shuffle}, else the Spark conf key {@value #KEY} (a
 * cluster-wide or per-application default, as the other {@code spark.kindling.data.*} keys),
 * else on.
 */
public final class ShuffleConf {
  /** The Spark conf key: {@code true} (the default) or {@code false}. */
  public static final String KEY = "spark.kindling.data.shuffle";

  private ShuffleConf() {}

  /**
   * {@code config}, with {@code shuffle} taken from the Spark conf if the command line left it
   * open.
   *
   * @throws IllegalArgumentException naming the key if its value is not a boolean
   */
  static TrainConfig resolve(TrainConfig config, SparkConf conf) {
    if (config.shuffleChosen() || !conf.contains(KEY)) {
      return config;
    }
    String v = conf.get(KEY).trim();
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(KEY + " must be true or false, got '" + v + "'");
    }
    // the tasks read it from their copy of the config
    return config.toBuilder().shuffle(Boolean.parseBoolean(v)).build();
  }
}
