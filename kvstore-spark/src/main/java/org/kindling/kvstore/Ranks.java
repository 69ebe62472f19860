package org.kindling.kvstore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Who is connected, as the server sees its W worker ranks. A rank has at most one live
 * connection: {@link #claim} runs on the I/O thread at login and refuses a second one; the rest
 * is bookkeeping of the state thread (departed ranks, ranks whose MESSAGE the driver's listener
 * is handling).
 */
final class Ranks {
  private final Map<Integer, Conn> claims = new ConcurrentHashMap<>();
  private final Map<Integer, Conn> live = new HashMap<>();
  private final Map<Integer, String> departed = new TreeMap<>();
  private final Map<Integer, Integer> inListener = new HashMap<>();
  /** When each rank's last MESSAGE left the listener (System.nanoTime()). */
  private final Map<Integer, Long> leftListener = new HashMap<>();

  /**
   * Makes {@code conn} the live connection of its rank, unless the rank already has one; any
   * thread.
   *
   * @return null if claimed, else the connection that holds the rank
   */
  Conn claim(Conn conn) {
    return claims.putIfAbsent(conn.rank(), conn);
  }

  /** Gives the rank up (the worker said BYE or the connection closed); any thread. */
  void release(Conn conn) {
    claims.remove(conn.rank(), conn);
  }

  /** State thread: the connection is in; returns true if its rank had departed before. */
  boolean connected(Conn conn) {
    live.put(conn.rank(), conn);
    return departed.remove(conn.rank()) != null;
  }

  /**
   * State thread: the connection closed. Returns why its rank departed, or null if a newer
   * connection of that rank is already in (a worker that said BYE and came back).
   */
  String disconnected(Conn conn) {
    release(conn);
    if (live.get(conn.rank()) != conn) {
      return null;
    }
    live.remove(conn.rank());
    String why = "worker rank " + conn.rank() + (conn.saidBye()
        ? " closed its store"
        : " disconnected without closing its store (task failed or executor lost?)");
    departed.put(conn.rank(), why);
    return why;
  }

  boolean anyDeparted() {
    return !departed.isEmpty();
  }

  /** The departure reasons, joined. */
  String departures() {
    return String.join("; ", departed.values());
  }

  /** State thread: the driver's listener starts handling a MESSAGE of {@code rank}. */
  void enterListener(int rank) {
    inListener.merge(rank, 1, Integer::sum);
  }

  /** State thread: the listener is done with one MESSAGE of {@code rank}. */
  void leaveListener(int rank) {
    inListener.computeIfPresent(rank, (r, n) -> n > 1 ? n - 1 : null);
    leftListener.put(rank, System.nanoTime());
  }

  /**
   * True if one of {@code ranks} waits for the driver's listener, or left it less than {@code
   * graceNanos} ago (its reply and its next push are still on their way): busy, not stalled.
   */
  boolean anyBusy(List<Integer> ranks, long graceNanos) {
    long now = System.nanoTime();
    return ranks.stream().anyMatch(r -> inListener.containsKey(r)
        || leftListener.containsKey(r) && now - leftListener.get(r) < graceNanos);
  }

  /** "rank 1 (connected, silent), rank 2 (never connected)". */
  String describe(List<Integer> ranks) {
    return ranks.stream().map(r -> "rank " + r + (live.containsKey(r)
            ? " (connected, silent)"
            : departed.containsKey(r) ? " (" + departed.get(r) + ")" : " (not connected)"))
        .collect(Collectors.joining(", "));
  }
}
