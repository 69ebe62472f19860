package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kindling.symbol.optimizer.StateSlices.Slice;
import org.kindling.tensor.Shape;

/**
 * A worker's connections to the parameter servers: the coordinator (barriers and messages: the
 * driver's server) and the S key servers, and which of them holds which elements of a key
 * ({@link ShardLayout} over the key servers, MXNet's {@code EncodeDefaultKey} rule). Without key
 * servers the coordinator holds every key whole, as one server always did. A key server at the
 * coordinator's address shares its connection (a rank has one live connection per server).
 */
final class ServerLinks {
  /**
   * The elements {@code slice} of a key that server {@code conn} holds, under the key's name, in
   * the key's shape if it is held whole, else as a 1-D array.
   */
  record Route(ClientConnection conn, Slice slice, Shape shape, boolean whole) {
    /** {@code what}, naming the element range for a key held in ranges. */
    String describe(String what) {
      return whole ? what : what + " elements [" + slice.begin() + ", " + slice.end() + ")";
    }

    /** The range's bytes within a whole key's {@code data} of {@code elementBytes} per element. */
    ByteBuffer bytes(ByteBuffer data, int elementBytes) {
      return data.slice(data.position() + slice.begin() * elementBytes,
          slice.size() * elementBytes);
    }
  }

  private final ClientConnection coordinator;
  private final List<ClientConnection> keyServers;
  private final List<ClientConnection> all;
  private final ShardLayout layout;

  private ServerLinks(ClientConnection coordinator, List<ClientConnection> keyServers,
      List<ClientConnection> all, ShardLayout layout) {
    this.coordinator = coordinator;
    this.keyServers = keyServers;
    this.all = all;
    this.layout = layout;
  }

  /**
   * Connects and authenticates to the coordinator, then to every key server; on a failure the
   * connections already made are closed.
   *
   * @throws KVStoreAuthenticationException if a server refuses the credentials
   * @throws KVStoreException if a server cannot be reached or does not answer in time
   */
  static ServerLinks open(KVStoreClientConfig config) {
    JobMac mac = new JobMac(config.secretUnsafe());
    Map<ServerAddress, ClientConnection> open = new LinkedHashMap<>();
    try {
      ClientConnection coordinator = ClientConnection.open(config, mac, config.coordinator());
      open.put(config.coordinator(), coordinator);
      List<ClientConnection> keyServers = new ArrayList<>();
      for (ServerAddress a : config.keyServers()) {
        ClientConnection c = open.get(a);
        if (c == null) {
          c = ClientConnection.open(config, mac, a);
          open.put(a, c);
        }
        keyServers.add(c);
      }
      if (keyServers.isEmpty()) {
        keyServers.add(coordinator);
      }
      return new ServerLinks(coordinator, List.copyOf(keyServers), List.copyOf(open.values()),
          new ShardLayout(keyServers.size(), config.bigArrayBound()));
    } catch (RuntimeException e) {
      open.values().forEach(ClientConnection::close);
      throw e;
    }
  }

  /** The server of barriers and messages. */
  ClientConnection coordinator() {
    return coordinator;
  }

  /** The servers that hold keys, by server index (the coordinator alone if none were given). */
  List<ClientConnection> keyServers() {
    return keyServers;
  }

  /** Every connection once. */
  List<ClientConnection> all() {
    return all;
  }

  /** Where the elements of {@code key} of {@code shape} live, in element order. */
  List<Route> routes(String key, Shape shape) {
    List<Slice> slices = layout.slices(key, shape.intSize());
    boolean whole = slices.size() == 1;
    List<Route> out = new ArrayList<>();
    for (Slice s : slices) {
      out.add(new Route(keyServers.get(s.owner()), s, whole ? shape : Shape.of(s.size()), whole));
    }
    return List.copyOf(out);
  }
}
