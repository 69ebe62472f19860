package org.kindling.kvstore;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where a {@link KVStoreServer} listens: the host a worker connects to and the bound port.
 * Serializable, so a job can hand the addresses of its key servers to its tasks.
 */
public record ServerAddress(String host, int port) implements Serializable {
  /**
   * @throws IllegalArgumentException if the host is empty or the port outside [1, 65535]
   */
  public ServerAddress {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("the host of a kvstore server address is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "the port of kvstore server " + host + " must be in [1, 65535], got " + port);
    }
  }

  /** The address of a started {@code server}. */
  public static ServerAddress of(KVStoreServer server) {
    return new ServerAddress(server.host(), server.port());
  }

  /** {@code host:port}. */
  @Override
  public String toString() {
    return host + ":" + port;
  }
}
