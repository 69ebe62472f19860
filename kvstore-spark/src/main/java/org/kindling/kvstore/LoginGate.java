package org.kindling.kvstore;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the connections still in the handshake, overall and per remote address, so that a flood
 * of connections that never authenticate cannot take every file descriptor or buffer of the
 * driver. A connection is counted from accept until it authenticates or closes.
 */
final class LoginGate {
  private final int overall;
  private final int perAddress;
  private final AtomicInteger pending = new AtomicInteger();
  private final Map<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();

  LoginGate(int overall, int perAddress) {
    this.overall = overall;
    this.perAddress = perAddress;
  }

  /**
   * Counts a new connection from {@code address}.
   *
   * @return null if admitted, else why not (the caller closes the connection)
   */
  String admit(InetAddress address) {
    if (pending.incrementAndGet() > overall) {
      pending.decrementAndGet();
      return "the kvstore server already has " + overall + " connections in the handshake"
          + " (KVStoreServerConfig.maxUnauthenticated); try again";
    }
    AtomicInteger n = byAddress.computeIfAbsent(address, a -> new AtomicInteger());
    if (n.incrementAndGet() > perAddress) {
      leave(address);
      return "the kvstore server already has " + perAddress + " connections in the handshake"
          + " from " + address.getHostAddress() + " (maxUnauthenticatedPerAddress); try again";
    }
    return null;
  }

  /** Uncounts a connection that {@link #admit} let in. */
  void leave(InetAddress address) {
    pending.decrementAndGet();
    byAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
  }
}
