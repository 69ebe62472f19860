package org.kindling.kvstore;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.kindling.tensor.NDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The level-2 parameter server: plain Java over Netty, started by the Spark driver. It holds one
 * value per key, sums the pushes of its W workers (sync) or applies each (async), runs the
 * optimizer built from the spec text rank 0 sends, and serves pulls. Every connection must
 * answer an HMAC challenge with the per-job secret before anything else is accepted; frames
 * are size-checked before buffering. See {@code package-info.java} for the protocol.
 *
 * <pre>{@code
 * byte[] secret = KVStoreServerConfig.randomSecret();
 * try (KVStoreServer server = KVStoreServer.start(
 *     KVStoreServerConfig.builder().numWorkers(w).secret(secret).build())) {
 *   server.setMessageListener((rank, text) -> log.info("worker {}: {}", rank, text));
 *   // executors: KVStores.connect("dist_sync", host, server.port(), secret, rank, w)
 *   Map<String, NDArray> params = server.snapshot();
 * }
 * }</pre>
 */
public final class KVStoreServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KVStoreServer.class);
  /** The most one socket read takes. */
  private static final int MAX_READ_BYTES = 256 << 10;

  private final KVStoreServerConfig config;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ChannelGroup channels;
  private final ServerParts parts;
  private final ServerState state;
  private final Channel serverChannel;
  private final InetSocketAddress address;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KVStoreServer(KVStoreServerConfig config, ServerFaults faults) {
    Protocol.requireLittleEndianHost();
    this.config = config;
    // builds and checks the MAC now, while the process is healthy (decision 0023)
    this.parts = ServerParts.of(config, faults);
    this.state = parts.state();
    this.boss = new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("kindling-kvstore-accept", true), NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(config.ioThreads(),
        new DefaultThreadFactory("kindling-kvstore-io", true), NioIoHandler.newFactory());
    this.channels = new DefaultChannelGroup("kindling-kvstore", GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        // reads of up to 256 KiB (Netty's default stops at 64 KiB): a large push comes in
        // fewer reads, most of its 64 KiB stripes whole within one and summed from it in place
        .childOption(ChannelOption.RCVBUF_ALLOCATOR,
            new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            FrameDecoder decoder = new FrameDecoder(parts.limits(), parts.faults());
            ch.pipeline().addLast(new ByteCounter(parts.traffic()), decoder,
                new ServerHandler(parts, decoder));
          }
        });
    try {
      this.serverChannel = bind(bootstrap, config);
    } catch (RuntimeException | Error e) {
      shutdownThreads();
      throw e;
    }
    channels.add(serverChannel);
    this.address = (InetSocketAddress) serverChannel.localAddress();
    LOG.info("kvstore server listening on {} ({})", address, config);
  }

  /**
   * Binds {@code config.port()}, or if it is in use the ports after it, as Spark binds its
   * services (decision 0085): {@code port}, {@code port + 1}, ... until {@code portRetries}
   * more were tried, wrapping from 65535 to 1024; port 0 binds any free port once. Any failure
   * other than a port in use ends the attempts at once.
   *
   * @throws KVStoreException naming the host, the ports tried and the settings to change; its
   *     cause is the last port's {@link BindException} ("Address already in use") if every
   *     port was in use
   */
  private static Channel bind(ServerBootstrap bootstrap, KVStoreServerConfig config) {
    int first = config.port();
    int attempts = first == 0 ? 1 : config.portRetries() + 1;
    Throwable inUse = null;
    for (int i = 0; i < attempts; i++) {
      int port = retryPort(first, i);
      ChannelFuture bound = bootstrap.bind(config.bindHost(), port).awaitUninterruptibly();
      if (bound.isSuccess()) {
        return bound.channel();
      }
      Throwable c = bound.cause();
      if (!isInUse(c) || first == 0) {
        throw new KVStoreException("cannot bind the kvstore server to " + config.bindHost()
            + ":" + port + ": " + c + " (KVStoreServerConfig.bindHost must be an address of"
            + " this machine, and ports below 1024 need privileges)", c);
      }
      inUse = c;
      LOG.info("kvstore server: port {} of {} is in use ({}){}", port, config.bindHost(),
          c.getMessage(), i + 1 < attempts ? "; trying " + retryPort(first, i + 1) : "");
    }
    String tried = attempts == 1 ? "port " + first + " is"
        : "port " + first + " and the " + (attempts - 1) + " after it (up to "
            + retryPort(first, attempts - 1) + ") are";
    throw new KVStoreException("cannot bind the kvstore server on " + config.bindHost() + ": "
        + tried + " in use (" + inUse.getMessage() + "); set KVStoreServerConfig.port to a free"
        + " port or 0 for any free port, or raise portRetries (now " + config.portRetries()
        + ")", inUse);
  }

  /**
   * True for the JDK's {@link BindException} of a port in use (EADDRINUSE: "Address already in
   * use"); not for an address that is not this machine's or a privileged port, which the next
   * port would not cure (Spark retries every BindException; Kindling only these).
   */
  static boolean isInUse(Throwable t) {
    return t instanceof BindException && t.getMessage() != null
        && t.getMessage().contains("in use");
  }

  /**
   * The port of attempt {@code i} from {@code first}: Spark's {@code Utils.userPort}, which
   * wraps past 65535 to 1024 rather than into the privileged ports.
   */
  static int retryPort(int first, int i) {
    return first == 0 ? 0 : ((first + i - 1024) % (65536 - 1024)) + 1024;
  }

  /**
   * Binds and starts a server.
   *
   * @throws KVStoreException if the address cannot be bound (naming the host and the ports
   *     tried; its cause is a {@link BindException} if they were in use), or if this JVM cannot
   *     compute the login's HmacSHA256 correctly
   */
  public static KVStoreServer start(KVStoreServerConfig config) {
    return start(config, ServerFaults.NONE);
  }

  /** Starts a server that meets the faults a test puts in its way. */
  static KVStoreServer start(KVStoreServerConfig config, ServerFaults faults) {
    return new KVStoreServer(Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(faults, "faults"));
  }

  /** The bound port (the ephemeral one when the config asked for 0). */
  public int port() {
    return address.getPort();
  }

  /** The bound host address, as a string workers can connect to. */
  public String host() {
    return address.getAddress().getHostAddress();
  }

  /** The configuration the server runs with. */
  public KVStoreServerConfig config() {
    return config;
  }

  /**
   * Sets the receiver of worker messages ({@link DistKVStore#sendMessage}); null removes it (then
   * messages are only logged).
   */
  public void setMessageListener(MessageListener listener) {
    state.setListener(listener);
  }

  /**
   * Sets who hears, at once and from the server's state thread, that the server failed for good
   * (an {@link Error} such as running out of memory while summing): the driver fails the job
   * with that cause instead of waiting for the workers' errors. Null removes it.
   */
  public void setFailureListener(Consumer<Throwable> listener) {
    state.setFailureListener(listener);
  }

  /**
   * The cause that failed the server for good, or null while it works. After a failure every
   * request is answered with an error naming it.
   */
  public Throwable failure() {
    return state.failure();
  }

  /**
   * Completes when the driver's controller has logged in ({@link KeyServerController}). A server
   * an executor hosts for one job closes if this has not happened by a deadline: the driver
   * died or failed before it connected, and nobody else would ever end the server.
   */
  public CompletionStage<Void> controllerJoined() {
    return parts.controller().joined().minimalCompletionStage();
  }

  /**
   * Completes when the driver's controller, once logged in ({@link KeyServerController}), has
   * disconnected: said BYE, died, or been silent for {@code idleTimeout}. A server an executor
   * hosts for one job closes then, so that it ends with the job. Never completes for a server
   * no controller logged in to.
   */
  public CompletionStage<Void> controllerLeft() {
    return parts.controller().left().minimalCompletionStage();
  }

  /**
   * The byte counters since the server started: socket bytes in and out (what crossed the
   * driver's link, frame headers included) and the array bytes pushed and pulled per key. Two
   * snapshots subtracted ({@link TrafficSnapshot#minus}) give one step's figures.
   */
  public TrafficSnapshot traffic() {
    return parts.traffic().snapshot();
  }

  /**
   * Copies of every stored value in key init order, taken between two requests (so never in the
   * middle of an update). Keys registered without a value yet are left out. Each copy is a new
   * array owned by the caller; the driver writes checkpoints from it.
   *
   * @throws IllegalStateException if the server is closed
   */
  public Map<String, NDArray> snapshot() {
    return state.snapshot();
  }

  /**
   * The server optimizer's states as a {@code .states} file image (formats.md §3.8), taken
   * between two requests like {@link #snapshot()}; null until rank 0 has set an optimizer. A
   * job saves them with its checkpoint to resume exactly.
   *
   * @throws IllegalStateException if the server is closed
   */
  public byte[] optimizerStates() {
    return state.optimizerStates();
  }

  /**
   * Keeps the states of a {@code .states} file image to load into the optimizer rank 0 sets
   * next (a resumed job's); if they do not fit it, rank 0's {@code setOptimizer} fails with
   * the reason.
   *
   * @throws IllegalStateException if the server is closed
   */
  public void preloadOptimizerStates(byte[] states) {
    state.preloadOptimizerStates(Objects.requireNonNull(states, "states"));
  }

  /**
   * Fails waiting requests, closes every connection and stops all threads. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    state.stop();
    // the connections close before the arrays are freed: a sync round's replies are written
    // from the stored arrays themselves (ServerState.view)
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    state.close();
    shutdownThreads();
    LOG.info("kvstore server on {} closed", address);
  }

  private void shutdownThreads() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    state.close();
  }

  @Override
  public String toString() {
    return "KVStoreServer{" + address + ", numWorkers=" + config.numWorkers() + ", mode="
        + config.mode().typeName() + "}";
  }
}
