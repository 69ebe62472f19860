package org.kindling.kvstore;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one controller login a server admits in its life (the driver's connection to a key server
 * its executor hosts, decision 0040), and the news that it left. Admitting only the first keeps a
 * second peer with the secret from taking over the server's shutdown or reading its states after
 * the driver's connection went away; the host closes the server when it hears of that.
 */
final class ControllerSlot {
  private final AtomicReference<Conn> first = new AtomicReference<>();
  private final CompletableFuture<Void> joined = new CompletableFuture<>();
  private final CompletableFuture<Void> left = new CompletableFuture<>();

  /** I/O thread, at login: true if {@code conn} is the server's first controller. */
  boolean claim(Conn conn) {
    if (first.compareAndSet(null, conn)) {
      joined.complete(null);
      return true;
    }
    return false;
  }

  /** The admitted controller's connection closed. */
  void leave(Conn conn) {
    if (first.get() == conn) {
      left.complete(null);
    }
  }

  /** Completes when the first controller has logged in. */
  CompletableFuture<Void> joined() {
    return joined;
  }

  /** Completes when the admitted controller's connection has closed. */
  CompletableFuture<Void> left() {
    return left;
  }
}
