package org.kindling.spark;

import org.apache.spark.SparkConf;
import org.kindling.kvstore.KVStoreServerConfig;

/**
 * The sharding of the parameter server (decisions 0033 and 0040): {@code --server-shards S}
 * (shard threads of each server, default 1: none), else the Spark conf key {@value #SHARDS};
 * {@code --bigarray-bound N} (keys of at least N elements are split across the shards or the key
 * servers; MXNet's {@code MXNET_KVSTORE_BIGARRAY_BOUND}, default 1,000,000), else {@value
 * #BOUND}; {@code --num-servers S} (key servers hosted by executors, default 0: the keys stay on
 * the driver), else {@value #NUM_SERVERS}. As every {@code spark.*} key, they may also be given
 * as JVM system properties of the driver.
 */
public final class ServerShardsConf {
  /** The Spark conf key of the number of shard threads. */
  public static final String SHARDS = "spark.kindling.kvstore.serverShards";
  /** The Spark conf key of the bound (MXNet's {@code MXNET_KVSTORE_BIGARRAY_BOUND}). */
  public static final String BOUND = "spark.kindling.kvstore.bigArrayBound";
  /** The Spark conf key of the number of key servers hosted by executors. */
  public static final String NUM_SERVERS = "spark.kindling.kvstore.numServers";

  private ServerShardsConf() {}

  /**
   * Sets the server's shards and bound from the config's options, else the Spark conf's keys,
   * else leaves the defaults.
   *
   * @throws IllegalArgumentException naming the Spark conf key whose value is bad
   */
  static KVStoreServerConfig.Builder apply(TrainConfig config, SparkConf conf,
      KVStoreServerConfig.Builder server) {
    return server.serverShards(shardsOf(config, conf)).bigArrayBound(boundOf(config, conf));
  }

  /**
   * The shard threads of each server: the option, else the Spark conf key, else 1.
   *
   * @throws IllegalArgumentException naming the Spark conf key whose value is bad
   */
  static int shardsOf(TrainConfig config, SparkConf conf) {
    if (config.serverShards() != null) {
      return config.serverShards();
    }
    return conf.contains(SHARDS) ? shards(conf.get(SHARDS), SHARDS) : 1;
  }

  /**
   * The big-array bound: the option, else the Spark conf key, else MXNet's default.
   *
   * @throws IllegalArgumentException naming the Spark conf key whose value is bad
   */
  static int boundOf(TrainConfig config, SparkConf conf) {
    if (config.bigArrayBound() != null) {
      return config.bigArrayBound();
    }
    return conf.contains(BOUND) ? bound(conf.get(BOUND), BOUND)
        : KVStoreServerConfig.DEFAULT_BIG_ARRAY_BOUND;
  }

  /**
   * The key servers executors host for the job: the option (checked by {@link
   * TrainConfig.Builder#build()}), else the Spark conf key, else 0 (every key on the driver's
   * server). A job without a parameter server ({@code --kvstore local}) ignores the key, a
   * cluster-wide default.
   *
   * @throws IllegalArgumentException naming the Spark conf key whose value is bad
   */
  static int numServersOf(TrainConfig config, SparkConf conf) {
    if (config.numServers() != null) {
      return config.numServers();
    }
    if (!config.distributed() || !conf.contains(NUM_SERVERS)) {
      return 0;
    }
    return numServers(conf.get(NUM_SERVERS), NUM_SERVERS);
  }

  /**
   * Reads a number of key servers, in {@code [0, KVStoreServerConfig.MAX_SERVER_SHARDS]}.
   *
   * @param what the option or key it was given as, for the error
   */
  static int numServers(String value, String what) {
    int v = parse(value);
    if (v < 0 || v > KVStoreServerConfig.MAX_SERVER_SHARDS) {
      throw new IllegalArgumentException(what + "=" + value + " is not an integer in [0, "
          + KVStoreServerConfig.MAX_SERVER_SHARDS + "] (key servers hosted by executors; 0"
          + " keeps every key on the driver's parameter server)");
    }
    return v;
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
    int v = parse(value);
    if (v < 1 || v > max) {
      throw new IllegalArgumentException(what + "=" + value + " is not an integer in [1, " + max
          + "] (" + meaning + ")");
    }
    return v;
  }

  /** The integer in {@code value}, or -1 if there is none. */
  private static int parse(String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
