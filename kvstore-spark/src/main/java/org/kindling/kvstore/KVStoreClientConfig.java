package org.kindling.kvstore;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of a {@link DistKVStore} worker connection, built with {@link #builder()} and
 * validated in {@link Builder#build()}. The secret is copied in and never printed.
 *
 * <p>Fields and defaults: {@code type} {@code dist_sync} (a type containing {@code _async} asks
 * for asynchronous mode, which must match the server's); {@code host} and {@code port} of the
 * {@link KVStoreServer} (required); {@code secret} (required, the job's secret); {@code rank} in
 * {@code [0, numWorkers)} and {@code numWorkers} (required, must equal the server's W); {@code
 * requestTimeout} 10 min (how long one blocking call waits for the server, e.g. a sync push for
 * the slowest worker; the server fails a sync round after its own, shorter {@code roundTimeout});
 * {@code connectTimeout} 60 s (TCP connect plus authentication, retried while the server says
 * to try again); {@code heartbeatInterval} 10 s (how often the worker tells the server it is
 * alive); {@code heartbeatTimeout} 30 s (a server that sends nothing for this long, heartbeat
 * answers included, is taken for dead and every waiting call fails); {@code maxFrameBytes} 1 GiB
 * (a ceiling on requests and replies; a reply may carry the largest key this worker registered
 * plus a header, or 64 KiB of text); {@code keyServers} none and {@code bigArrayBound} 1,000,000:
 * with S key servers the keys live on them, not on the server at {@code host:port}, each key
 * whole on one or, from {@code bigArrayBound} elements (MXNet's {@code
 * MXNET_KVSTORE_BIGARRAY_BOUND}), cut into S ranges (MXNet's {@code EncodeDefaultKey} rule), while
 * barriers and messages still go to {@code host:port} (decision 0040); every server must run the
 * job's secret, W and mode.
 */
public final class KVStoreClientConfig {
  private final String type;
  private final String host;
  private final int port;
  private final byte[] secret;
  private final int rank;
  private final int numWorkers;
  private final Duration requestTimeout;
  private final Duration connectTimeout;
  private final int maxFrameBytes;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final List<ServerAddress> keyServers;
  private final int bigArrayBound;

  private KVStoreClientConfig(Builder b) {
    this.type = b.type;
    this.host = b.host;
    this.port = b.port;
    this.secret = b.secret.clone();
    this.rank = b.rank;
    this.numWorkers = b.numWorkers;
    this.requestTimeout = b.requestTimeout;
    this.connectTimeout = b.connectTimeout;
    this.maxFrameBytes = b.maxFrameBytes;
    this.heartbeatInterval = b.heartbeatInterval;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.keyServers = b.keyServers;
    this.bigArrayBound = b.bigArrayBound;
  }

  /** A new builder with the defaults listed in the class doc. */
  public static Builder builder() {
    return new Builder();
  }

  /** The store type, e.g. {@code dist_sync}. */
  public String type() {
    return type;
  }

  /** The consistency mode the type asks for. */
  public SyncMode mode() {
    return SyncMode.fromType(type);
  }

  /** Server host. */
  public String host() {
    return host;
  }

  /** Server port. */
  public int port() {
    return port;
  }

  /** {@code host:port}, for messages. */
  public String address() {
    return host + ":" + port;
  }

  /**
   * The server that holds the barrier and hears messages (the driver's), and the keys when there
   * are no key servers.
   */
  public ServerAddress coordinator() {
    return new ServerAddress(host, port);
  }

  /** The servers that hold the keys, in server-index order; empty: the coordinator holds them. */
  public List<ServerAddress> keyServers() {
    return keyServers;
  }

  /** Keys of at least this many elements are cut into one range per key server. */
  public int bigArrayBound() {
    return bigArrayBound;
  }

  byte[] secretUnsafe() {
    return secret;
  }

  /** This worker's rank ({@code -1} for the driver's {@link KeyServerController}). */
  public int rank() {
    return rank;
  }

  /** Number of workers W. */
  public int numWorkers() {
    return numWorkers;
  }

  /** Longest wait of one blocking call. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Longest wait for connecting and authenticating. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Largest reply frame accepted, in bytes after the 4-byte length. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** How often a HEARTBEAT goes to the server. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** Silence of the server after which it is taken for dead. */
  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  @Override
  public String toString() {
    return "KVStoreClientConfig{type=" + type + ", server=" + address() + ", rank=" + rank
        + ", numWorkers=" + numWorkers + ", requestTimeout=" + requestTimeout
        + ", connectTimeout=" + connectTimeout + ", heartbeat=" + heartbeatInterval + "/"
        + heartbeatTimeout + ", maxFrameBytes=" + maxFrameBytes
        + (keyServers.isEmpty() ? "" : ", keyServers=" + keyServers + ", bigArrayBound="
            + bigArrayBound)
        + ", secret=<" + secret.length + " bytes>}";
  }

  /** Builder for {@link KVStoreClientConfig}. */
  public static final class Builder {
    private String type = "dist_sync";
    private String host;
    private int port = -1;
    private byte[] secret;
    private int rank = -1;
    private int numWorkers = -1;
    private Duration requestTimeout = Duration.ofMinutes(10);
    private Duration connectTimeout = Duration.ofSeconds(60);
    private int maxFrameBytes = KVStoreServerConfig.DEFAULT_MAX_FRAME_BYTES;
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private Duration heartbeatTimeout = Duration.ofSeconds(30);
    private List<ServerAddress> keyServers = List.of();
    private int bigArrayBound = KVStoreServerConfig.DEFAULT_BIG_ARRAY_BOUND;
    private boolean controller;

    private Builder() {}

    /**
     * The driver's controller login to the key servers instead of a worker's: rank {@link
     * Protocol#CONTROLLER_RANK}, no host and port (the controller talks to the key servers
     * only), at least one key server.
     */
    Builder controller() {
      this.controller = true;
      this.rank = Protocol.CONTROLLER_RANK;
      return this;
    }

    /** Store type (default {@code dist_sync}). */
    public Builder type(String type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    /** Server host (required). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Server port (required). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The job's secret (required; copied). */
    public Builder secret(byte[] secret) {
      this.secret = Objects.requireNonNull(secret, "secret").clone();
      return this;
    }

    /** This worker's rank (required). */
    public Builder rank(int rank) {
      this.rank = rank;
      return this;
    }

    /** Number of workers W (required). */
    public Builder numWorkers(int numWorkers) {
      this.numWorkers = numWorkers;
      return this;
    }

    /** Longest wait of one blocking call (default 10 min). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout, "requestTimeout");
      return this;
    }

    /** Longest wait for connecting and authenticating (default 60 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
      return this;
    }

    /**
     * How often the worker sends a HEARTBEAT (default 10 s), and how long a silent server is
     * given before it is taken for dead (default 30 s; at least twice the interval).
     */
    public Builder heartbeat(Duration interval, Duration timeout) {
      this.heartbeatInterval = Objects.requireNonNull(interval, "heartbeatInterval");
      this.heartbeatTimeout = Objects.requireNonNull(timeout, "heartbeatTimeout");
      return this;
    }

    /** Largest reply frame accepted (default 1 GiB). */
    public Builder maxFrameBytes(int maxFrameBytes) {
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /**
     * The servers that hold the keys, by server index (default none: the server at {@code
     * host:port} holds them); every worker must list the same servers in the same order.
     */
    public Builder keyServers(List<ServerAddress> servers) {
      this.keyServers = List.copyOf(servers);
      return this;
    }

    /**
     * Elements from which a key is cut across the key servers (default 1,000,000, MXNet's {@code
     * MXNET_KVSTORE_BIGARRAY_BOUND}); every worker must use the same.
     */
    public Builder bigArrayBound(int bigArrayBound) {
      this.bigArrayBound = bigArrayBound;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the bad field and its value
     */
    public KVStoreClientConfig build() {
      SyncMode.fromType(type);
      if (!controller) {
        requireServer();
      }
      if (secret == null || secret.length == 0) {
        throw new IllegalArgumentException("secret is required (the job's kvstore secret)");
      }
      if (numWorkers < 1) {
        throw new IllegalArgumentException("numWorkers must be at least 1, got " + numWorkers);
      }
      if (!controller && (rank < 0 || rank >= numWorkers)) {
        throw new IllegalArgumentException(
            "rank must be in [0, " + numWorkers + "), got " + rank);
      }
      if (controller && keyServers.isEmpty()) {
        throw new IllegalArgumentException("the driver's controller needs the key servers");
      }
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException(
            "requestTimeout must be positive, got " + requestTimeout);
      }
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException(
            "connectTimeout must be positive, got " + connectTimeout);
      }
      if (maxFrameBytes < Protocol.PRE_AUTH_MAX_FRAME) {
        throw new IllegalArgumentException(
            "maxFrameBytes must be at least " + Protocol.PRE_AUTH_MAX_FRAME + ", got "
                + maxFrameBytes);
      }
      if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()
          || heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
        throw new IllegalArgumentException("heartbeat needs a positive interval and a timeout of"
            + " at least twice it, got " + heartbeatInterval + " and " + heartbeatTimeout);
      }
      if (keyServers.size() > KVStoreServerConfig.MAX_SERVER_SHARDS) {
        throw new IllegalArgumentException("at most " + KVStoreServerConfig.MAX_SERVER_SHARDS
            + " key servers, got " + keyServers.size());
      }
      if (Set.copyOf(keyServers).size() != keyServers.size()) {
        throw new IllegalArgumentException("the key servers must be distinct, got " + keyServers);
      }
      if (bigArrayBound < 1) {
        throw new IllegalArgumentException(
            "bigArrayBound must be at least 1, got " + bigArrayBound);
      }
      return new KVStoreClientConfig(this);
    }

    private void requireServer() {
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException("host of the kvstore server is required");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
      }
    }
  }
}
