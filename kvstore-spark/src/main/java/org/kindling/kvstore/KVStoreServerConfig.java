package org.kindling.kvstore;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.symbol.optimizer.Optimizers;

/**
 * Settings of a {@link KVStoreServer}, built with {@link #builder()} and validated in {@link
 * Builder#build()}. The secret is copied in and never printed.
 *
 * <p>Fields and defaults: {@code bindHost} 127.0.0.1; {@code port} 0 (ephemeral, read it back
 * with {@link KVStoreServer#port()}); {@code portRetries} 0 (how many ports after a non-zero
 * {@code port} to try while they are in use, as Spark's {@code spark.port.maxRetries}:
 * decision 0085); {@code numWorkers} W (required, at least 1); {@code secret}
 * (required, at least 16 bytes; {@link #randomSecret()} makes one); {@code maxFrameBytes} 1 GiB
 * (a ceiling: a frame carrying an array may be as large as the largest key registered so far plus
 * its header, never more than this); {@code maxMessageBytes} 16 MiB (MESSAGE and SET_OPTIMIZER
 * text); {@code mode} {@link SyncMode#SYNC}; {@code authTimeout} 10 s; {@code roundTimeout} 3 min
 * (how long a sync round or barrier waits for its missing workers before it fails naming them;
 * keep it well below the workers' {@code requestTimeout}); {@code idleTimeout} 30 s (a worker
 * connection that sends nothing, not even a heartbeat, for this long is closed);
 * {@code maxUnauthenticated} 256 and {@code maxUnauthenticatedPerAddress} 64 (connections still
 * in the handshake, overall and per remote address; more are refused at once); {@code ioThreads}
 * 2 (the socket threads, which also sum large pushes as they arrive: connections are shared
 * among them, so two workers' pushes are read and summed at once; they also run the server
 * state's tasks, one at a time, the round's updates included); {@code optimizerFactory}
 * {@code Optimizers::fromSpec}, which turns the spec text a worker sends into the optimizer the
 * server runs; {@code serverShards} S 1 and {@code bigArrayBound}
 * 1,000,000 (MXNet's {@code MXNET_KVSTORE_BIGARRAY_BOUND}): a key of at least that many elements
 * is cut into S contiguous ranges summed and updated in parallel, each by its own shard thread
 * with its own optimizer state; a smaller key belongs whole to one shard (decision 0033).
 */
public final class KVStoreServerConfig {
  /** Shortest secret accepted. */
  public static final int MIN_SECRET_BYTES = 16;

  /** Default {@code maxFrameBytes}: 1 GiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 30;

  /** Default {@code bigArrayBound}: MXNet's default {@code MXNET_KVSTORE_BIGARRAY_BOUND}. */
  public static final int DEFAULT_BIG_ARRAY_BOUND = 1_000_000;

  /** Most {@code serverShards}: each is a thread of the driver. */
  public static final int MAX_SERVER_SHARDS = 64;

  /** Default {@code maxMessageBytes}: 16 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;

  private final String bindHost;
  private final int port;
  private final int portRetries;
  private final int numWorkers;
  private final byte[] secret;
  private final int maxFrameBytes;
  private final int maxMessageBytes;
  private final SyncMode mode;
  private final Duration authTimeout;
  private final Duration roundTimeout;
  private final Duration idleTimeout;
  private final int maxUnauthenticated;
  private final int maxUnauthenticatedPerAddress;
  private final int ioThreads;
  private final Function<String, Optimizer> optimizerFactory;
  private final int serverShards;
  private final int bigArrayBound;

  private KVStoreServerConfig(Builder b) {
    this.bindHost = b.bindHost;
    this.port = b.port;
    this.portRetries = b.portRetries;
    this.numWorkers = b.numWorkers;
    this.secret = b.secret.clone();
    this.maxFrameBytes = b.maxFrameBytes;
    this.maxMessageBytes = b.maxMessageBytes;
    this.mode = b.mode;
    this.authTimeout = b.authTimeout;
    this.roundTimeout = b.roundTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxUnauthenticated = b.maxUnauthenticated;
    this.maxUnauthenticatedPerAddress = b.maxUnauthenticatedPerAddress;
    this.ioThreads = b.ioThreads;
    this.optimizerFactory = b.optimizerFactory;
    this.serverShards = b.serverShards;
    this.bigArrayBound = b.bigArrayBound;
  }

  /** A new builder with the defaults listed in the class doc. */
  public static Builder builder() {
    return new Builder();
  }

  /** 32 bytes from {@link SecureRandom}: a fresh per-job secret. */
  public static byte[] randomSecret() {
    byte[] s = new byte[32];
    new SecureRandom().nextBytes(s);
    return s;
  }

  /** The address the server binds to. */
  public String bindHost() {
    return bindHost;
  }

  /** The requested port; 0 means ephemeral. */
  public int port() {
    return port;
  }

  /**
   * How many ports after a non-zero {@link #port()} the server tries, one after the other,
   * while they are in use.
   */
  public int portRetries() {
    return portRetries;
  }

  /** W, the number of workers: sync rounds and barriers complete after W requests. */
  public int numWorkers() {
    return numWorkers;
  }

  /** A copy of the per-job secret. */
  public byte[] secret() {
    return secret.clone();
  }

  byte[] secretUnsafe() {
    return secret;
  }

  /**
   * Ceiling on a frame, in bytes after the 4-byte length, from an authenticated worker; the
   * limit in force is lower, sized from the largest registered key (see {@code FrameLimits}).
   */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** Largest MESSAGE or SET_OPTIMIZER frame. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Synchronous or asynchronous consistency. */
  public SyncMode mode() {
    return mode;
  }

  /** How long a new connection may take to authenticate. */
  public Duration authTimeout() {
    return authTimeout;
  }

  /** How long a sync round or barrier waits for missing workers before it fails. */
  public Duration roundTimeout() {
    return roundTimeout;
  }

  /** How long an authenticated connection may stay silent before it is closed. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Most connections in the handshake at once. */
  public int maxUnauthenticated() {
    return maxUnauthenticated;
  }

  /** Most connections in the handshake at once from one remote address. */
  public int maxUnauthenticatedPerAddress() {
    return maxUnauthenticatedPerAddress;
  }

  /** Netty I/O threads for connections. */
  public int ioThreads() {
    return ioThreads;
  }

  /** Builds the server's optimizer from the spec text a worker sends. */
  public Function<String, Optimizer> optimizerFactory() {
    return optimizerFactory;
  }

  /** S, the server's shard threads (1: no sharding). */
  public int serverShards() {
    return serverShards;
  }

  /** Keys of at least this many elements are split across the shards. */
  public int bigArrayBound() {
    return bigArrayBound;
  }

  @Override
  public String toString() {
    return "KVStoreServerConfig{bind=" + bindHost + ":" + port
        + (portRetries > 0 && port != 0 ? " (+" + portRetries + " retries)" : "")
        + ", numWorkers=" + numWorkers
        + ", mode=" + mode.typeName() + ", maxFrameBytes=" + maxFrameBytes + ", maxMessageBytes="
        + maxMessageBytes + ", authTimeout=" + authTimeout + ", roundTimeout=" + roundTimeout
        + ", idleTimeout=" + idleTimeout + ", maxUnauthenticated=" + maxUnauthenticated + "/"
        + maxUnauthenticatedPerAddress + " per address, ioThreads=" + ioThreads + ", serverShards="
        + serverShards + ", bigArrayBound=" + bigArrayBound + ", secret=<"
        + secret.length + " bytes>}";
  }

  /** Builder for {@link KVStoreServerConfig}. */
  public static final class Builder {
    private String bindHost = "127.0.0.1";
    private int port;
    private int portRetries;
    private int numWorkers = -1;
    private byte[] secret;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private SyncMode mode = SyncMode.SYNC;
    private Duration authTimeout = Duration.ofSeconds(10);
    private Duration roundTimeout = Duration.ofMinutes(3);
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int maxUnauthenticated = 256;
    private int maxUnauthenticatedPerAddress = 64;
    private int ioThreads = 2;
    private Function<String, Optimizer> optimizerFactory = Optimizers::fromSpec;
    private int serverShards = 1;
    private int bigArrayBound = DEFAULT_BIG_ARRAY_BOUND;

    private Builder() {}

    /** Address to bind (default 127.0.0.1; use the driver's host address on a cluster). */
    public Builder bindHost(String host) {
      this.bindHost = Objects.requireNonNull(host, "bindHost");
      return this;
    }

    /** Port to bind, 0 for an ephemeral port (default). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * How many ports after a non-zero {@code port} to try, each the one before plus 1 (wrapping
     * from 65535 to 1024), while they are in use (default 0: only {@code port}); Spark's {@code
     * spark.port.maxRetries} convention. Ignored for port 0.
     */
    public Builder portRetries(int portRetries) {
      this.portRetries = portRetries;
      return this;
    }

    /** Number of workers W (required). */
    public Builder numWorkers(int numWorkers) {
      this.numWorkers = numWorkers;
      return this;
    }

    /** The per-job secret (required, at least 16 bytes; copied). */
    public Builder secret(byte[] secret) {
      this.secret = Objects.requireNonNull(secret, "secret").clone();
      return this;
    }

    /** Ceiling on frames accepted after authentication (default 1 GiB). */
    public Builder maxFrameBytes(int maxFrameBytes) {
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /** Largest MESSAGE or SET_OPTIMIZER frame (default 16 MiB). */
    public Builder maxMessageBytes(int maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /** How long a sync round or barrier waits for missing workers (default 3 min). */
    public Builder roundTimeout(Duration roundTimeout) {
      this.roundTimeout = Objects.requireNonNull(roundTimeout, "roundTimeout");
      return this;
    }

    /** How long a worker connection may stay silent before it is closed (default 30 s). */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * Most connections in the handshake at once, overall and per remote address (defaults 256
     * and 64).
     */
    public Builder maxUnauthenticated(int overall, int perAddress) {
      this.maxUnauthenticated = overall;
      this.maxUnauthenticatedPerAddress = perAddress;
      return this;
    }

    /** Consistency mode (default {@link SyncMode#SYNC}). */
    public Builder mode(SyncMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Time a connection has to authenticate (default 10 s). */
    public Builder authTimeout(Duration authTimeout) {
      this.authTimeout = Objects.requireNonNull(authTimeout, "authTimeout");
      return this;
    }

    /** Netty I/O threads, which read the sockets and sum large pushes (default 2). */
    public Builder ioThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    /** How spec text becomes an optimizer (default {@code Optimizers::fromSpec}). */
    public Builder optimizerFactory(Function<String, Optimizer> factory) {
      this.optimizerFactory = Objects.requireNonNull(factory, "optimizerFactory");
      return this;
    }

    /** Shard threads of the server (default 1, at most {@value #MAX_SERVER_SHARDS}). */
    public Builder serverShards(int serverShards) {
      this.serverShards = serverShards;
      return this;
    }

    /**
     * Elements from which a key is split across the shards (default 1,000,000, MXNet's {@code
     * MXNET_KVSTORE_BIGARRAY_BOUND}).
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
    public KVStoreServerConfig build() {
      if (numWorkers < 1) {
        throw new IllegalArgumentException(
            "numWorkers must be at least 1, got " + numWorkers + " (set it with numWorkers(W))");
      }
      if (secret == null || secret.length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(
            "secret must be at least " + MIN_SECRET_BYTES + " bytes, got "
                + (secret == null ? "none" : secret.length + " bytes")
                + " (use KVStoreServerConfig.randomSecret())");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      if (portRetries < 0 || portRetries > 65535 - 1024) {
        throw new IllegalArgumentException("portRetries must be in [0, " + (65535 - 1024)
            + "], got " + portRetries);
      }
      if (maxFrameBytes < Protocol.PRE_AUTH_MAX_FRAME) {
        throw new IllegalArgumentException(
            "maxFrameBytes must be at least " + Protocol.PRE_AUTH_MAX_FRAME + ", got "
                + maxFrameBytes);
      }
      if (maxMessageBytes < Protocol.PRE_AUTH_MAX_FRAME) {
        throw new IllegalArgumentException(
            "maxMessageBytes must be at least " + Protocol.PRE_AUTH_MAX_FRAME + ", got "
                + maxMessageBytes);
      }
      requirePositive(authTimeout, "authTimeout");
      requirePositive(roundTimeout, "roundTimeout");
      requirePositive(idleTimeout, "idleTimeout");
      if (maxUnauthenticatedPerAddress < 1 || maxUnauthenticated < maxUnauthenticatedPerAddress) {
        throw new IllegalArgumentException("maxUnauthenticated needs 1 <= perAddress <= overall,"
            + " got overall " + maxUnauthenticated + ", per address "
            + maxUnauthenticatedPerAddress);
      }
      if (ioThreads < 1) {
        throw new IllegalArgumentException("ioThreads must be at least 1, got " + ioThreads);
      }
      if (serverShards < 1 || serverShards > MAX_SERVER_SHARDS) {
        throw new IllegalArgumentException("serverShards must be in [1, " + MAX_SERVER_SHARDS
            + "], got " + serverShards);
      }
      if (bigArrayBound < 1) {
        throw new IllegalArgumentException("bigArrayBound must be at least 1, got "
            + bigArrayBound);
      }
      return new KVStoreServerConfig(this);
    }

    private static void requirePositive(Duration d, String name) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }
  }
}
