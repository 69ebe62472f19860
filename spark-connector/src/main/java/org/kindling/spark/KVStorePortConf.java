package org.kindling.spark;

import java.net.BindException;
import org.apache.spark.SparkConf;
import org.kindling.kvstore.KVStoreException;

/**
 * The ports of the parameter servers (decision 0085). {@code --kvstore-port P}, else the Spark
 * conf key {@value #PORT}: the driver's server, bound to {@code spark.driver.bindAddress} (else
 * {@code spark.driver.host}); {@code --key-server-port P}, else {@value #KEY_SERVER_PORT}: the
 * first port of the key servers executors host with {@code --num-servers}, each bound to its
 * executor's host (the block manager's). 0, the default of both, binds any free port. A
 * non-zero port that is in use is retried on the next one, up to Spark's own {@value
 * #MAX_RETRIES} more (default 16), as Spark binds its driver, block manager and UI ports: so
 * several key servers on one host take consecutive ports. As every {@code spark.*} key, they may
 * also be given as JVM system properties of the driver.
 */
public final class KVStorePortConf {
  /** The Spark conf key of the driver's parameter server's port. */
  public static final String PORT = "spark.kindling.kvstore.port";
  /** The Spark conf key of the first port of the key servers hosted by executors. */
  public static final String KEY_SERVER_PORT = "spark.kindling.kvstore.keyServerPort";
  /** Spark's own key: how many ports after a non-zero one to try while they are in use. */
  public static final String MAX_RETRIES = "spark.port.maxRetries";
  /** Spark's default of {@value #MAX_RETRIES}. */
  public static final int DEFAULT_MAX_RETRIES = 16;

  private KVStorePortConf() {}

  /**
   * The driver's server's port: the option, else the Spark conf key, else 0.
   *
   * @throws IllegalArgumentException naming the Spark conf key whose value is bad
   */
  static int portOf(TrainConfig config, SparkConf conf) {
    if (config.kvstorePort() != null) {
      return config.kvstorePort();
    }
    return conf.contains(PORT) ? port(conf.get(PORT), PORT) : 0;
  }

  /**
   * The key servers' first port: the option, else the Spark conf key, else 0.
   *
   * @throws IllegalArgumentException naming the Spark conf key whose value is bad
   */
  static int keyServerPortOf(TrainConfig config, SparkConf conf) {
    if (config.keyServerPort() != null) {
      return config.keyServerPort();
    }
    return conf.contains(KEY_SERVER_PORT) ? port(conf.get(KEY_SERVER_PORT), KEY_SERVER_PORT) : 0;
  }

  /**
   * Spark's {@value #MAX_RETRIES}, else its default 16.
   *
   * @throws IllegalArgumentException naming the key if its value is not an integer of at least 0
   */
  static int retriesOf(SparkConf conf) {
    if (!conf.contains(MAX_RETRIES)) {
      return DEFAULT_MAX_RETRIES;
    }
    String v = conf.get(MAX_RETRIES);
    int n = parse(v);
    if (n < 0 || n > 65535 - 1024) {
      throw new IllegalArgumentException(MAX_RETRIES + "=" + v + " is not an integer in [0, "
          + (65535 - 1024) + "] (ports tried after a non-zero port that is in use)");
    }
    return n;
  }

  /**
   * Reads a port, in {@code [0, 65535]}.
   *
   * @param what the option or key it was given as, for the error
   */
  static int port(String value, String what) {
    int v = parse(value);
    if (v < 0 || v > 65535) {
      throw new IllegalArgumentException(what + "=" + value + " is not a port in [0, 65535]"
          + " (0 binds any free port)");
    }
    return v;
  }

  /**
   * The error of a server that could not bind {@code port} (nor the {@code retries} ports after
   * it) because they were in use, in terms of the settings that chose them; {@code e} itself if
   * it failed for another reason.
   *
   * @param server which server, where: "the driver's parameter server on 10.0.0.1"
   * @param key the Spark conf key of the port
   * @param option the {@code kindling train} option of the port
   */
  static KVStoreException explain(KVStoreException e, String server, String key, String option,
      int port, int retries) {
    // the JDK's message of EADDRINUSE; another BindException (not this machine's address, a
    // privileged port) is no port in use, and its own message says so
    if (!(e.getCause() instanceof BindException b) || b.getMessage() == null
        || !b.getMessage().contains("in use")) {
      return e;
    }
    return new KVStoreException(server + " cannot bind port " + port
        + (retries > 0 ? " nor any of the " + retries + " after it" : "") + ": "
        + (retries > 0 ? "they are" : "it is") + " in use (" + key + "=" + port + ", "
        + MAX_RETRIES + "=" + retries + "); set " + key + " (" + option + ") to a free port, or"
        + " to 0 for any free port, or raise " + MAX_RETRIES, e);
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
