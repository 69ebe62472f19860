package org.kindling.tensor.engine;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * The operations of one worker pool whose dependencies are all met, served highest
 * {@link ThreadedOp#priority} first and, among equal priorities, in the order they became
 * ready (MXNet's per-device priority task queue).
 *
 * <p>Almost every operation has priority 0, so those go to a lock-free FIFO; the others to a
 * small heap under a lock, consulted before the FIFO for positive priorities and after it for
 * negative ones. A semaphore counts the queued operations: idle workers spin on
 * {@link #poll} (a compare-and-set, no lock) before parking in {@link #take}, and every permit a
 * worker acquires stands for one operation that it then removes.
 */
final class ReadyQueue {
  private final ConcurrentLinkedQueue<ThreadedOp> fifo = new ConcurrentLinkedQueue<>();
  /** Operations of non-zero priority. Guarded by itself, as is {@code rankedSeq}. */
  private final PriorityQueue<Ranked> ranked = new PriorityQueue<>();
  private long rankedSeq;
  /** Non-zero while {@code ranked} may hold something: lets the common case skip its lock. */
  private volatile int rankedCount;
  private final Semaphore queued = new Semaphore(0);

  /** An operation in the heap, with its arrival number to keep equal priorities in order. */
  private record Ranked(ThreadedOp op, long arrival) implements Comparable<Ranked> {
    @Override
    public int compareTo(Ranked o) {
      return op.priority != o.op.priority
          ? Integer.compare(o.op.priority, op.priority)
          : Long.compare(arrival, o.arrival);
    }
  }

  void offer(ThreadedOp o) {
    if (o.priority == 0) {
      fifo.offer(o);
    } else {
      synchronized (ranked) {
        ranked.add(new Ranked(o, rankedSeq++));
        rankedCount = ranked.size();
      }
    }
    queued.release(); // after the add: a permit always stands for a queued operation
  }

  /** True if no operation is queued now (one a worker is removing counts as gone). */
  boolean isEmpty() {
    return queued.availablePermits() == 0;
  }

  /** The next operation, or null if there is none now. */
  ThreadedOp poll() {
    return queued.tryAcquire() ? removeOne() : null;
  }

  /** The next operation, waiting for one if there is none. */
  ThreadedOp take() throws InterruptedException {
    queued.acquire();
    return removeOne();
  }

  /**
   * Removes the next operation; the caller holds a permit, so one is queued. Another worker may
   * be removing its own concurrently, hence the retry until this one is found.
   */
  private ThreadedOp removeOne() {
    while (true) {
      ThreadedOp o = rankedCount > 0 ? pollRanked(true) : null;
      if (o == null) {
        o = fifo.poll();
      }
      if (o == null && rankedCount > 0) {
        o = pollRanked(false);
      }
      if (o != null) {
        return o;
      }
      Thread.onSpinWait();
    }
  }

  /** The heap's head if its priority is positive (or, with {@code positiveOnly} false, any). */
  private ThreadedOp pollRanked(boolean positiveOnly) {
    synchronized (ranked) {
      Ranked head = ranked.peek();
      if (head == null || (positiveOnly && head.op.priority < 0)) {
        return null;
      }
      ranked.poll();
      rankedCount = ranked.size();
      return head.op;
    }
  }
}
