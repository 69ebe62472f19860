package org.kindling.tensor.engine;

/**
 * A variable of the {@link ThreadedEngine}: the queue of operations waiting to use it, and the
 * count of operations using it now (MXNet's {@code ThreadedVar}).
 *
 * <p>State, guarded by {@code this}:
 *
 * <ul>
 *   <li>{@code runningReads}: reads that were granted and have not finished;
 *   <li>{@code writing}: a write was granted and has not finished;
 *   <li>{@code head..tail}: operations not yet granted, in push order.
 * </ul>
 *
 * <p>Invariants (checked by {@link #invariantsHold()} under {@code -ea}):
 *
 * <ol>
 *   <li>a write runs alone: {@code writing} implies {@code runningReads == 0};
 *   <li>nothing waits without a reason: if the queue is not empty then either a write runs or
 *       the first queued operation is a write that waits for the running reads. So reads are
 *       queued only behind a write, and a read arriving at an idle or reading variable runs at
 *       once.
 * </ol>
 *
 * <p>Methods only change this state and return what became runnable; the caller grants those
 * operations outside the lock, so no lock is ever held while another is taken.
 */
final class ThreadedVar implements Var {
  /** One operation waiting in a variable's queue. */
  static final class Node {
    final ThreadedOp op;
    final boolean write;
    Node next;

    Node(ThreadedOp op, boolean write) {
      this.op = op;
      this.write = write;
    }
  }

  private final String name;
  final ThreadedEngine owner;

  private int runningReads;
  private boolean writing;
  private Node head;
  private Node tail;

  /**
   * The failure recorded by the last operation that wrote this variable, or null. Written by the
   * writer before it releases the variable and read by operations granted after that release,
   * so the variable's lock orders the accesses; volatile for the waits' fast path.
   */
  volatile Failure failure;

  /** {@link Var#version()}: renewed by {@link #wrote()}. */
  private volatile long version = WriteStamps.next();

  ThreadedVar(String name, ThreadedEngine owner) {
    this.name = name;
    this.owner = owner;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long version() {
    return version;
  }

  /** A write of this variable finished, or a {@code waitToWrite} returned: a new stamp. */
  void wrote() {
    version = WriteStamps.next();
  }

  /** Queues a read of {@code op}; true if granted at once (no write running or queued). */
  synchronized boolean appendRead(ThreadedOp op) {
    boolean now = !writing && head == null;
    if (now) {
      runningReads++; // idle or reading -> reading (one more)
    } else {
      enqueue(new Node(op, false)); // behind a running or queued write
    }
    assert invariantsHold();
    return now;
  }

  /** Queues a write of {@code op}; true if granted at once (variable idle). */
  synchronized boolean appendWrite(ThreadedOp op) {
    boolean now = !writing && runningReads == 0 && head == null;
    if (now) {
      writing = true; // idle -> writing
    } else {
      enqueue(new Node(op, true)); // waits for running reads or earlier writes
    }
    assert invariantsHold();
    return now;
  }

  /**
   * A granted read finished. Returns the queued write that may now run (the variable goes from
   * reading to writing), or null.
   */
  synchronized ThreadedOp completeRead() {
    assert runningReads > 0 && !writing : "read completion on " + this;
    runningReads--;
    ThreadedOp next = null;
    if (runningReads == 0 && head != null) {
      // invariant 2: with no write running, the first queued op is a write
      assert head.write : "read queued first on " + this;
      next = pop().op;
      writing = true; // last reader out -> the waiting write runs
    }
    assert invariantsHold();
    return next;
  }

  /**
   * A granted write finished. Returns the operations that may now run, linked through
   * {@link Node#next} and null-terminated: either every read queued before the next write (they
   * run together) or, when the next queued op is a write, that one write. Null if none.
   */
  synchronized Node completeWrite() {
    assert writing && runningReads == 0 : "write completion on " + this;
    writing = false; // writing -> idle, unless something was queued
    Node first = head;
    if (first == null) {
      assert invariantsHold();
      return null;
    }
    Node last = first;
    if (first.write) {
      writing = true; // writing -> writing (the next writer)
    } else {
      int granted = 1;
      while (last.next != null && !last.next.write) {
        last = last.next;
        granted++;
      }
      runningReads = granted; // writing -> reading (the run of queued reads)
    }
    head = last.next;
    if (head == null) {
      tail = null;
    }
    last.next = null;
    assert invariantsHold();
    return first;
  }

  /** True if no write is running or queued: reading now sees every earlier write. */
  synchronized boolean isReadable() {
    return !writing && head == null;
  }

  /** True if nothing is running or queued. */
  synchronized boolean isIdle() {
    return !writing && head == null && runningReads == 0;
  }

  private void enqueue(Node n) {
    if (tail == null) {
      head = n;
    } else {
      tail.next = n;
    }
    tail = n;
  }

  private Node pop() {
    Node n = head;
    head = n.next;
    if (head == null) {
      tail = null;
    }
    n.next = null;
    return n;
  }

  /** The invariants in the class comment; called under the lock from assertions. */
  private boolean invariantsHold() {
    if (runningReads < 0) {
      return false;
    }
    if (writing && runningReads != 0) {
      return false;
    }
    if ((head == null) != (tail == null)) {
      return false;
    }
    return head == null || writing || (head.write && runningReads > 0);
  }

  @Override
  public synchronized String toString() {
    int queued = 0;
    for (Node n = head; n != null; n = n.next) {
      queued++;
    }
    return "var '" + name + "' (reads running " + runningReads + ", writing " + writing
        + ", queued " + queued + ")";
  }
}
