package org.kindling.spark;

import org.apache.spark.SparkConf;
import org.kindling.kvstore.KVStoreServerConfig;

/**
 * The sharding of the parameter server on the driver (decision 0033): {@code --server-shards S}
 * (shard threads, default 1: none), else the Spark conf key {@value #SHARDS}; {@code
 * --bigarray-bound N} (keys of at least N elements are split across the shards; MXNet's {@code
 * MXNET_KVSTORE_BIGARRAY_BOUND}, default 1,000,000), else {@value #BOUND}. As every {@code
 * spark.*} key, both may also be given as JVM system properties of the driver.
 */
public final class ServerShardsConf {
  /** The Spark conf key of the number of shard threads. */
  public static final String SHARDS = "spark.kindling.kvstore.serverShards";
  /** The Spark conf key of the bound (MXNet's {@code MXNET_KVSTORE_BIGARRAY_BOUND}). */
  public static final String BOUND = "spark.kindling.kvstore.bigArrayBound";

  private ServerShardsConf() {}

  /**
   * Sets the server's shards and bound from the config's options, else the Spark conf's keys,
   * else leaves the defaults.
   *
   * @throws IllegalArgumentException naming the Spark conf key whose value is bad
   */
  static KVStoreServerConfig.Builder apply(TrainConfig config, SparkConf conf,
      KVStoreServerConfig.Builder server) {
    if (config.serverShards() != null) {
      server.serverShards(config.serverShards());
    } else if (conf.contains(SHARDS)) {
      server.serverShards(shards(conf.get(SHARDS), SHARDS));
    }
    if (config.bigArrayBound() != null) {
      server.bigArrayBound(config.bigArrayBound());
    } else if (conf.contains(BOUND)) {
      server.bigArrayBound(bound(conf.get(BOUND), BOUND));
    }
    return server;
  }

  /**
   * Reads a number of shards, in {@code [1, KVStoreServerConfig.MAX_SERVER_SHARDS]}.
   *
   * @param what the option or key it was given as, for the error
   */
  static int shards(String value, String what) {
    return integer(value, what, KVStoreServerConfig.MAX_SERVER_SHARDS,
        "server shard threads, at most " + KVStoreServerConfig.MAX_SERVER_SHARDS);
  }

  /**
   * Reads a bound, an integer of at least 1.
   *
   * @param what the option or key it was given as, for the error
   */
  static int bound(String value, String what) {
    return integer(value, what, Integer.MAX_VALUE,
        "elements from which a key is split across the server shards");
  }

  private static int integer(String value, String what, int max, String meaning) {
    int v;
    try {
      v = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      v = -1;
    }
    if (v < 1 || v > max) {
      throw new IllegalArgumentException(what + "=" + value + " is not an integer in [1, " + max
          + "] (" + meaning + ")");
    }
    return v;
  }
}
