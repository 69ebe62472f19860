package org.kindling.kvstore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.kindling.symbol.optimizer.StateSlices.Slice;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The driver's connections to a job's S key servers (decision 0040): one controller login per
 * server (rank {@code -1}, proven with the job's secret, admitted once per server and never
 * counted as a worker), over which the driver reads what its checkpoints need, the keys' values
 * and the optimizer states joined as one server would hold them ({@link KeyServerLayout}). Its
 * heartbeats keep the connections open between checkpoints; their closing ({@link #close}, the
 * driver's death, or silence for the servers' {@code idleTimeout}) is how a server hosted for the
 * job learns that the job is over ({@link KVStoreServer#controllerLeft()}). Calls come from one
 * thread at a time (the driver's checkpoint writer).
 */
public final class KeyServerController implements AutoCloseable {
  private final List<ClientConnection> servers;
  private final ShardLayout routes;
  private final KeyServerLayout layout;
  /** Set when {@link #close} begins: the servers close because we leave, not lost. */
  private volatile boolean leaving;

  /** Hears that a key server is gone while the job needs it ({@link #onServerLost}). */
  @FunctionalInterface
  public interface LossListener {
    /**
     * @param index the server's index in the workers' {@link KVStoreClientConfig#keyServers()}
     * @param address its {@code host:port}
     * @param cause why the controller's connection to it broke
     */
    void serverLost(int index, String address, KVStoreException cause);
  }

  private KeyServerController(List<ClientConnection> servers, int bigArrayBound) {
    this.servers = List.copyOf(servers);
    this.routes = new ShardLayout(servers.size(), bigArrayBound);
    this.layout = new KeyServerLayout(servers.size(), bigArrayBound);
  }

  /**
   * Logs in to every key server as the controller.
   *
   * @param keyServers the servers in server-index order, as the workers' {@link
   *     KVStoreClientConfig#keyServers()}
   * @param bigArrayBound the workers' {@link KVStoreClientConfig#bigArrayBound()}
   * @param type the job's store type, e.g. {@code dist_sync}
   * @param secret the job's secret
   * @param numWorkers the job's W
   * @throws KVStoreAuthenticationException if a server refuses the login (another job's secret,
   *     or it already admitted a controller)
   * @throws KVStoreException if a server cannot be reached
   */
  public static KeyServerController connect(List<ServerAddress> keyServers, int bigArrayBound,
      String type, byte[] secret, int numWorkers) {
    KVStoreClientConfig config = KVStoreClientConfig.builder().controller().type(type)
        .secret(secret).numWorkers(numWorkers).keyServers(keyServers)
        .bigArrayBound(bigArrayBound).build();
    JobMac mac = new JobMac(config.secretUnsafe());
    List<ClientConnection> open = new ArrayList<>();
    try {
      for (ServerAddress a : config.keyServers()) {
        ClientConnection c = ClientConnection.open(config, mac, a);
        open.add(c);
        // a states file may be larger than any key: accept what the frame limit allows
        c.expectReply(config.maxFrameBytes());
      }
    } catch (RuntimeException e) {
      open.forEach(ClientConnection::close);
      throw e;
    }
    return new KeyServerController(open, config.bigArrayBound());
  }

  /**
   * Calls {@code listener} once per server whose controller connection breaks before {@link
   * #close}: its process is gone (the executor hosting it was lost: the socket is reset at once),
   * its host or the network is (silence for the connection's {@code heartbeatTimeout}, 30 s by
   * default), or it closed the connection. A lost server is not restarted (decision 0055): the
   * driver fails the job. Runs on the thread that noticed the loss; must not block.
   */
  public void onServerLost(LossListener listener) {
    for (int i = 0; i < servers.size(); i++) {
      int index = i;
      ClientConnection c = servers.get(i);
      c.lost().thenAccept(cause -> {
        if (!leaving) {
          listener.serverLost(index, c.address(), cause);
        }
      });
    }
  }

  /** S. */
  public int servers() {
    return servers.size();
  }

  /**
   * The keys' values in the order of {@code shapes}, each a new array of its shape owned by the
   * caller, pulled range by range from the servers that hold them (one PULL per range, all in
   * flight together). Taken while the workers wait (rank 0 inside the driver's listener), the
   * values are those of one step.
   *
   * @throws KVStoreException if a server refuses a pull (no such key) or is unreachable, naming
   *     the server and the key
   * @throws IllegalArgumentException if a server holds a range in another size
   */
  public Map<String, NDArray> values(Map<String, Shape> shapes) {
    record Pending(String key, Slice slice, CompletableFuture<Reply> reply) {}
    List<Pending> pending = new ArrayList<>();
    shapes.forEach((key, shape) -> {
      for (Slice s : routes.slices(key, shape.intSize())) {
        ClientConnection c = servers.get(s.owner());
        c.expectKey(Shape.of(s.size()));
        pending.add(new Pending(key, s, c.send(Protocol.PULL,
            h -> Protocol.writeString(h, key), null, "PULL of key '" + key + "'")));
      }
    });
    List<Map<String, NDArray>> perServer = new ArrayList<>();
    servers.forEach(c -> perServer.add(new LinkedHashMap<>()));
    try {
      for (Pending p : pending) {
        ClientConnection c = servers.get(p.slice().owner());
        Reply r = c.await(p.reply(), "PULL of key '" + p.key() + "' elements ["
            + p.slice().begin() + ", " + p.slice().end() + ")");
        perServer.get(p.slice().owner())
            .put(p.key(), NDArray.ofBytes(r.data(), DType.FLOAT32, r.shape()));
      }
      return layout.joinValues(perServer, shapes);
    } finally {
      perServer.forEach(m -> m.values().forEach(NDArray::close));
    }
  }

  /**
   * The one {@code .states} file of the servers' optimizers ({@link KeyServerLayout#joinStates}),
   * byte for byte the file one optimizer with every update writes, for elementwise optimizers.
   *
   * @param shapes the shape of every key
   * @throws KVStoreException if a server cannot answer, naming it
   * @throws IllegalArgumentException if a server has no optimizer or the files do not fit
   */
  public byte[] optimizerStates(Map<String, Shape> shapes) {
    List<CompletableFuture<Reply>> sent = new ArrayList<>();
    for (ClientConnection c : servers) {
      sent.add(c.send(Protocol.STATES, h -> { }, null, "STATES"));
    }
    List<byte[]> perServer = new ArrayList<>();
    for (int i = 0; i < servers.size(); i++) {
      Reply r = servers.get(i).await(sent.get(i), "STATES");
      byte[] file = null;
      if (r.data() != null) {
        file = new byte[r.data().remaining()];
        r.data().duplicate().get(file);
      }
      perServer.add(file);
    }
    return layout.joinStates(perServer, shapes::get);
  }

  /**
   * The key servers' counters summed ({@link TrafficSnapshot#plus}): the workers' traffic to
   * them, the keys' bytes pushed and pulled (the controller's own pulls are not counted), the
   * rounds' waits and the request queues. Socket bytes include the controller's.
   *
   * @throws KVStoreException if a server cannot answer, naming it
   */
  public TrafficSnapshot traffic() {
    List<CompletableFuture<Reply>> sent = new ArrayList<>();
    for (ClientConnection c : servers) {
      sent.add(c.send(Protocol.TRAFFIC, h -> { }, null, "TRAFFIC"));
    }
    TrafficSnapshot sum = null;
    for (int i = 0; i < servers.size(); i++) {
      Reply r = servers.get(i).await(sent.get(i), "TRAFFIC");
      TrafficSnapshot t = r.traffic();
      if (t == null) {
        throw new KVStoreException("TRAFFIC on " + servers.get(i).address() + " was answered"
            + " with " + Protocol.typeName(r.type()) + ", not TRAFFIC_BYTES");
      }
      sum = sum == null ? t : sum.plus(t);
    }
    return sum;
  }

  /**
   * Runs {@code work} (the driver's checkpoint of an epoch that worker {@code rank} ended) with
   * every key server told that {@code rank} is inside the driver's message listener: as on the
   * driver's own server, their round deadlines wait for it instead of failing the next round
   * when the checkpoint takes longer than {@code roundTimeout} (a key server never sees the
   * workers' messages).
   *
   * @throws KVStoreException if a server cannot be told, naming it (then {@code work} has not
   *     run, or has run and the servers may still count the rank as busy until it pushes)
   */
  public void whileInListener(int rank, Runnable work) {
    mark(rank, true);
    boolean done = false;
    try {
      work.run();
      done = true;
    } finally {
      try {
        mark(rank, false);
      } catch (KVStoreException e) {
        if (done) {
          throw e;
        }
        // work's own failure is the one to report
      }
    }
  }

  private void mark(int rank, boolean inside) {
    String what = "LISTENER of worker rank " + rank + (inside ? " (inside)" : " (left)");
    List<CompletableFuture<Reply>> sent = new ArrayList<>();
    for (ClientConnection c : servers) {
      sent.add(c.send(Protocol.LISTENER, h -> h.writeIntLE(rank).writeByte(inside ? 1 : 0),
          null, what));
    }
    for (int i = 0; i < servers.size(); i++) {
      servers.get(i).await(sent.get(i), what);
    }
  }

  /**
   * Says BYE to every server and closes the connections: hosted servers shut down. Idempotent.
   */
  @Override
  public void close() {
    leaving = true;
    List<ClientConnection> open = servers.stream().filter(c -> !c.isBroken()).toList();
    List<CompletableFuture<Reply>> byes = new ArrayList<>();
    open.forEach(c -> byes.add(c.send(Protocol.BYE, h -> { }, null, "BYE")));
    for (int i = 0; i < open.size(); i++) {
      try {
        open.get(i).await(byes.get(i), "BYE");
      } catch (KVStoreException e) {
        // leaving anyway: the closed socket tells the server as well
      }
    }
    servers.forEach(ClientConnection::close);
  }

  @Override
  public String toString() {
    List<String> a = servers.stream().map(ClientConnection::address).toList();
    return "KeyServerController" + a;
  }
}
