package org.kindling.kvstore;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The requests held in one synchronous round: a key's pushes, or a barrier. A round takes
 * exactly one request per rank (a repeat is refused by the caller, decision 0023) and completes
 * when all W ranks are in. Owned by the server's state ({@link SerialExecutor}); its deadline
 * task runs there too. The deadline is armed lazily (decision 0077): a task armed for an earlier
 * round stays armed through the rounds after it, and when it fires it re-arms itself for what
 * is left of the current round's time, so the timer thread wakes once per {@code roundTimeout}
 * at most rather than for every round.
 */
final class Round {
  /**
   * A held request: its connection, its id, whether the reply carries the new value, and if so
   * whether as float16 ({@code half}, the fp16 transport).
   */
  record Held(Conn conn, long id, boolean pull, boolean half) {}

  private final String what;
  private final Runnable onFail;
  private final List<Held> held = new ArrayList<>();
  private final BitSet ranks = new BitSet();
  private long number;
  /** {@link System#nanoTime} of the current round's first request. */
  private long start;
  /** A deadline task is scheduled for this round or an earlier one. */
  private boolean armed;

  /**
   * {@code what} names the round in errors, e.g. "the sync round of key 'w'"; {@code onFail}
   * runs when the round fails (the key's partial sum is dropped).
   */
  Round(String what, Runnable onFail) {
    this.what = what;
    this.onFail = onFail;
  }

  String what() {
    return what;
  }

  /** Counts completed and failed rounds, so a deadline can tell whether its round still runs. */
  long number() {
    return number;
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  boolean has(int rank) {
    return ranks.get(rank);
  }

  /** Adds a request of a rank that is not in the round yet; returns true for the first one. */
  boolean add(Held h) {
    boolean first = held.isEmpty();
    if (first) {
      start = System.nanoTime();
    }
    held.add(h);
    ranks.set(h.conn().rank());
    return first;
  }

  int size() {
    return held.size();
  }

  /** The ranks in {@code [0, w)} that have not joined, ascending. */
  List<Integer> missing(int w) {
    List<Integer> out = new ArrayList<>();
    for (int r = ranks.nextClearBit(0); r < w; r = ranks.nextClearBit(r + 1)) {
      out.add(r);
    }
    return out;
  }

  /** The ranks that joined, ascending. */
  String present() {
    return ranks.toString();
  }

  /** {@link System#nanoTime} of the current round's first request. */
  long start() {
    return start;
  }

  /** True while a deadline task is scheduled (for this round or an earlier one). */
  boolean armed() {
    return armed;
  }

  /** Marks a deadline task scheduled ({@code true}) or fired ({@code false}). */
  void armed(boolean armed) {
    this.armed = armed;
  }

  /**
   * Ends the round: returns its requests and clears it; a deadline task stays scheduled and
   * judges the round that is current when it fires.
   */
  List<Held> take() {
    List<Held> out = List.copyOf(held);
    held.clear();
    ranks.clear();
    number++;
    return out;
  }

  /** Ends the round and answers every held request with {@code message}. */
  void fail(String message) {
    List<Held> failed = take();
    onFail.run();
    for (Held h : failed) {
      h.conn().error(h.id(), message);
    }
  }
}
