package org.kindling.tensor.engine;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

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
 *
 * <p>Parked workers wake last-parked first. The worker that parked last is the one that ran
 * last, so at batch 1, where a pass is one chain that a single worker runs (successor
 * affinity), the next pass starts on the thread, and the oneDNN OpenMP team, of the pass
 * before; a semaphore's own waiters wake first-parked first, which sent consecutive passes to
 * alternate workers and teams, each team's helper cold after a pass asleep
 * (docs/decisions/0066-batch-one-on-one-thread.md).
 */
final class ReadyQueue {
  private final ConcurrentLinkedQueue<ThreadedOp> fifo = new ConcurrentLinkedQueue<>();
  /** Operations of non-zero priority. Guarded by itself, as is {@code rankedSeq}. */
  private final PriorityQueue<Ranked> ranked = new PriorityQueue<>();
  private long rankedSeq;
  /** Non-zero while {@code ranked} may hold something: lets the common case skip its lock. */
  private volatile int rankedCount;
  private final Semaphore queued = new Semaphore(0);
  /** Workers inside {@link #spinPoll}: one of them takes an offered operation without a wake. */
  private final java.util.concurrent.atomic.AtomicInteger spinning =
      new java.util.concurrent.atomic.AtomicInteger();
  /** Workers parked in {@link #take}, the last parked first. */
  private final ConcurrentLinkedDeque<Thread> parked = new ConcurrentLinkedDeque<>();

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
    // After the release (see take). While no more operations are queued than workers spin,
    // the spinners take them (a spinner that stops after this read sees the permit in take);
    // waking a parked worker as well would only make it find nothing and park again, on top of
    // the stack, where the next pass would wake it. Beyond that, a parked worker runs the rest
    // alongside, as before.
    if (queued.availablePermits() > spinning.get()) {
      Thread t = parked.pollFirst();
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  /**
   * The next operation, polling up to {@code polls} times for one to be offered; null if none
   * came. A worker calls it before {@link #take}, so that a burst of small operations does not
   * pay a thread wake-up each.
   */
  ThreadedOp spinPoll(int polls) {
    spinning.incrementAndGet();
    try {
      ThreadedOp o = poll();
      for (int i = 0; o == null && i < polls; i++) {
        Thread.onSpinWait();
        o = poll();
      }
      return o;
    } finally {
      spinning.decrementAndGet();
    }
  }

  /** True if no operation is queued now (one a worker is removing counts as gone). */
  boolean isEmpty() {
    return queued.availablePermits() == 0;
  }

  /** Workers polling in {@link #spinPoll} now (for tests). */
  int spinners() {
    return spinning.get();
  }

  /** The next operation, or null if there is none now. */
  ThreadedOp poll() {
    return queued.tryAcquire() ? removeOne() : null;
  }

  /** The next operation, waiting for one if there is none. */
  ThreadedOp take() throws InterruptedException {
    Thread self = Thread.currentThread();
    while (true) {
      if (queued.tryAcquire()) {
        return removeOne();
      }
      // On the stack before the second look: an offer either released its permit before that
      // look (seen there) or polls the stack after it (and finds this thread or another parked
      // one, which then takes the operation or leaves it to this thread's next look). A thread
      // leaves the stack only by an offer that unparks it or by itself, so no operation waits
      // while every worker sleeps.
      parked.addFirst(self);
      if (queued.tryAcquire()) {
        parked.removeFirstOccurrence(self);
        return removeOne();
      }
      LockSupport.park(this);
      parked.removeFirstOccurrence(self);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
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
