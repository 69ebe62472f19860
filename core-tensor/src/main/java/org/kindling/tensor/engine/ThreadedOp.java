package org.kindling.tensor.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One pushed operation of the {@link ThreadedEngine} (MXNet's {@code OprBlock} plus
 * {@code ThreadedOpr}), or a wait marker that a thread blocked in {@code waitToRead} /
 * {@code waitToWrite} queues on a variable like an operation.
 *
 * <p>{@code unmet} counts the dependencies not yet granted, plus one held by the pushing thread
 * while it is still appending the operation to its variables' queues; whoever brings it to zero
 * makes the operation ready. Grants come from any thread, so the count is atomic.
 */
final class ThreadedOp {
  private static final VarHandle UNMET;
  private static final VarHandle MARKER_STATE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      UNMET = l.findVarHandle(ThreadedOp.class, "unmet", int.class);
      MARKER_STATE = l.findVarHandle(ThreadedOp.class, "markerState", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Marker states: the waiter is still waiting / the var granted the marker / waiter gave up. */
  static final int WAITING = 0;

  static final int GRANTED = 1;
  static final int ABANDONED = 2;

  final String name;
  /** The work; null for a wait marker. */
  final Runnable fn;

  final ThreadedVar[] reads;
  final ThreadedVar[] writes;
  /** Position in push order (0 for markers): decides which failures poison this op. */
  final long seq;
  /** The thread blocked on this marker; null for an operation. */
  final Thread waiter;
  /** A {@code deleteVar} operation: runs whatever failures its variable carries. */
  final boolean cleanup;

  @SuppressWarnings("unused") // accessed through UNMET
  private volatile int unmet;

  @SuppressWarnings("unused") // accessed through MARKER_STATE
  private volatile int markerState;

  /**
   * The operation that was running on the same worker thread when this one started (a thread
   * that waits inside an operation runs other ready operations meanwhile). Used to refuse waits
   * that would wait for an enclosing operation.
   */
  ThreadedOp enclosing;

  private ThreadedOp(String name, Runnable fn, ThreadedVar[] reads, ThreadedVar[] writes,
      long seq, Thread waiter, boolean cleanup) {
    this.cleanup = cleanup;
    this.name = name;
    this.seq = seq;
    this.fn = fn;
    this.reads = reads;
    this.writes = writes;
    this.waiter = waiter;
    // one per variable, plus one the pusher holds until all variables know the op
    this.unmet = reads.length + writes.length + 1;
  }

  static ThreadedOp operation(
      String name, Runnable fn, ThreadedVar[] reads, ThreadedVar[] writes, long seq) {
    return new ThreadedOp(name, fn, reads, writes, seq, null, false);
  }

  /** A {@code deleteVar} operation: writes {@code v}, runs even if {@code v} failed. */
  static ThreadedOp cleanup(String name, Runnable fn, ThreadedVar v, long seq) {
    return new ThreadedOp(name, fn, NO_VARS, new ThreadedVar[] {v}, seq, null, true);
  }

  static final ThreadedVar[] NO_VARS = new ThreadedVar[0];

  /** A marker that waits for {@code v} like a read ({@code write == false}) or a write. */
  static ThreadedOp marker(ThreadedVar v, boolean write, Thread waiter) {
    ThreadedVar[] one = {v};
    return write
        ? new ThreadedOp("waitToWrite", null, NO_VARS, one, 0, waiter, false)
        : new ThreadedOp("waitToRead", null, one, NO_VARS, 0, waiter, false);
  }

  boolean isMarker() {
    return fn == null;
  }

  /** Counts {@code n} dependencies as granted; true if that made the operation ready. */
  boolean grant(int n) {
    int before = (int) UNMET.getAndAdd(this, -n);
    assert before >= n : "op '" + name + "' granted more dependencies than it has";
    return before == n;
  }

  /** Marker: the variable granted it. False if the waiter already gave up (interrupted). */
  boolean markGranted() {
    return MARKER_STATE.compareAndSet(this, WAITING, GRANTED);
  }

  /** Marker: the waiter gives up. False if the variable granted it first. */
  boolean markAbandoned() {
    return MARKER_STATE.compareAndSet(this, WAITING, ABANDONED);
  }

  boolean isGranted() {
    return (int) MARKER_STATE.getVolatile(this) == GRANTED;
  }

  /** Results of {@link #useOnThread}. */
  static final int NONE = 0;

  static final int READS = 1;
  static final int WRITES = 2;

  /**
   * How this operation and those enclosing it on its thread use {@code v}: {@link #WRITES} if
   * any writes it, else {@link #READS} if any reads it, else {@link #NONE}.
   */
  int useOnThread(ThreadedVar v) {
    int use = NONE;
    for (ThreadedOp o = this; o != null; o = o.enclosing) {
      for (ThreadedVar w : o.writes) {
        if (w == v) {
          return WRITES;
        }
      }
      for (ThreadedVar r : o.reads) {
        if (r == v) {
          use = READS;
        }
      }
    }
    return use;
  }

  @Override
  public String toString() {
    return name;
  }
}
