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
  private static final VarHandle STATE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      UNMET = l.findVarHandle(ThreadedOp.class, "unmet", int.class);
      STATE = l.findVarHandle(ThreadedOp.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Marker states: the waiter is still waiting / the var granted the marker / waiter gave up. */
  static final int WAITING = 0;

  static final int GRANTED = 1;
  static final int ABANDONED = 2;

  /** Asynchronous operation states: started, not completed / completed. */
  static final int RUNNING = 0;

  static final int COMPLETED = 1;

  static final ThreadedVar[] NO_VARS = new ThreadedVar[0];

  final String name;
  /** The work of a synchronous operation or a {@code deleteVar}; null otherwise. */
  final Runnable fn;
  /** The work of an asynchronous operation; null otherwise. */
  final AsyncOp asyncFn;

  final ThreadedVar[] reads;
  final ThreadedVar[] writes;
  /** Position in push order (0 for markers): decides which failures poison this op. */
  final long seq;
  final FnProperty prop;
  final int priority;
  /** The thread blocked on this marker; null for an operation. */
  final Thread waiter;
  /** A {@code deleteVar} operation: runs whatever failures its variable carries. */
  final boolean cleanup;

  @SuppressWarnings("unused") // accessed through UNMET
  private volatile int unmet;

  /** A marker's {@code WAITING/GRANTED/ABANDONED}, or an async op's {@code RUNNING/COMPLETED}. */
  @SuppressWarnings("unused") // accessed through STATE
  private volatile int state;

  private ThreadedOp(String name, Runnable fn, AsyncOp asyncFn, ThreadedVar[] reads,
      ThreadedVar[] writes, long seq, FnProperty prop, int priority, Thread waiter,
      boolean cleanup) {
    this.name = name;
    this.fn = fn;
    this.asyncFn = asyncFn;
    this.reads = reads;
    this.writes = writes;
    this.seq = seq;
    this.prop = prop;
    this.priority = priority;
    this.waiter = waiter;
    this.cleanup = cleanup;
    // one per variable, plus one the pusher holds until all variables know the op
    this.unmet = reads.length + writes.length + 1;
  }

  /** An operation: exactly one of {@code fn} (synchronous) and {@code asyncFn} is non-null. */
  static ThreadedOp operation(String name, Runnable fn, AsyncOp asyncFn, ThreadedVar[] reads,
      ThreadedVar[] writes, long seq, FnProperty prop, int priority) {
    assert (fn == null) != (asyncFn == null);
    return new ThreadedOp(name, fn, asyncFn, reads, writes, seq, prop, priority, null, false);
  }

  /** A {@code deleteVar} operation: writes {@code v}, runs even if {@code v} failed. */
  static ThreadedOp cleanup(String name, Runnable fn, ThreadedVar v, long seq) {
    return new ThreadedOp(name, fn, null, NO_VARS, new ThreadedVar[] {v}, seq, FnProperty.NORMAL,
        0, null, true);
  }

  /** A marker that waits for {@code v} like a read ({@code write == false}) or a write. */
  static ThreadedOp marker(ThreadedVar v, boolean write, Thread waiter) {
    ThreadedVar[] one = {v};
    return write
        ? new ThreadedOp("waitToWrite", null, null, NO_VARS, one, 0, FnProperty.NORMAL, 0,
            waiter, false)
        : new ThreadedOp("waitToRead", null, null, one, NO_VARS, 0, FnProperty.NORMAL, 0,
            waiter, false);
  }

  boolean isMarker() {
    return waiter != null;
  }

  /** Counts {@code n} dependencies as granted; true if that made the operation ready. */
  boolean grant(int n) {
    int before = (int) UNMET.getAndAdd(this, -n);
    assert before >= n : "op '" + name + "' granted more dependencies than it has";
    return before == n;
  }

  /** Marker: the variable granted it. False if the waiter already gave up (interrupted). */
  boolean markGranted() {
    return STATE.compareAndSet(this, WAITING, GRANTED);
  }

  /** Marker: the waiter gives up. False if the variable granted it first. */
  boolean markAbandoned() {
    return STATE.compareAndSet(this, WAITING, ABANDONED);
  }

  boolean isGranted() {
    return (int) STATE.getVolatile(this) == GRANTED;
  }

  /** Asynchronous operation: true for the first completion only. */
  boolean markCompleted() {
    return STATE.compareAndSet(this, RUNNING, COMPLETED);
  }

  @Override
  public String toString() {
    return name;
  }
}
