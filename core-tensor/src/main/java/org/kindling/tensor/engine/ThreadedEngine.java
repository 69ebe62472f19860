package org.kindling.tensor.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MXNet's threaded dependency engine: every variable keeps a queue of the operations waiting
 * for it; reads of a variable run concurrently, a write waits for every earlier read and write
 * and blocks every later one. Operations whose dependencies are all granted go to a shared
 * ready queue served by a fixed pool of daemon worker threads.
 *
 * <p>Cost: {@link #push} allocates one small object per operation plus one queue node per
 * variable that is busy, takes each variable's lock briefly and never blocks, so it may be
 * called from inside a running operation (a nested push). Workers spin briefly before parking
 * so that bursts of small operations do not pay a thread wake-up each.
 *
 * <p>Failures follow {@link Engine}: the failure is recorded on the variables the operation
 * writes; operations that read or write a failed variable are skipped and pass the failure on;
 * the first {@link #waitToRead}, {@link #waitToWrite} or {@link #waitAll} that sees it rethrows
 * it as an {@link EngineException} and clears it (as MXNet does), so operations pushed after
 * that wait use the variables normally. Operations pushed before the wait are still skipped
 * even if they run after it, so the outcome depends on program order only and matches
 * {@link NaiveEngine}.
 *
 * <p>Waiting inside an operation is allowed but discouraged: while it waits, the worker runs
 * other ready operations so the pool cannot starve. A wait that could only finish after an
 * operation enclosing it on the same thread (the variable is written by it, or for
 * {@code waitToWrite} also read) throws {@link IllegalStateException} instead of deadlocking,
 * and so does {@link #waitAll} inside an operation. Waits are interruptible: an interrupted
 * waiter gets an {@link EngineException} caused by {@link InterruptedException}, with its
 * interrupt status set again.
 */
public final class ThreadedEngine implements Engine {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadedEngine.class);
  private static final AtomicInteger ENGINE_IDS = new AtomicInteger();
  /** Polls a worker makes before parking: long enough to catch the next op of a burst. */
  private static final int SPIN_POLLS = 2_000;
  /** How often a worker waiting inside an operation re-checks its wait while helping. */
  private static final long HELP_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private final LinkedBlockingQueue<ThreadedOp> ready = new LinkedBlockingQueue<>();
  private final Worker[] workers;
  /** Pushed operations (not wait markers) that have not finished. */
  private final AtomicLong pending = new AtomicLong();
  /** Operations pushed so far: the push sequence that orders failure reporting. */
  private final AtomicLong pushed = new AtomicLong();
  private final Object idleLock = new Object();
  /** Failures no wait has rethrown yet, oldest first; drained by {@link #waitAll}. */
  private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  private final String id;
  private volatile boolean closed;

  /**
   * Starts an engine with {@code threads} daemon worker threads.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public ThreadedEngine(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException(
          "a threaded engine needs at least one worker thread, got " + threads);
    }
    id = "kindling-engine-" + ENGINE_IDS.incrementAndGet();
    workers = new Worker[threads];
    for (int i = 0; i < threads; i++) {
      workers[i] = new Worker(id + "-worker-" + i);
      workers[i].start();
    }
    LOG.debug("{} started with {} worker threads", id, threads);
  }

  /** Number of worker threads. */
  public int threads() {
    return workers.length;
  }

  @Override
  public Var newVar(String name) {
    return new ThreadedVar(name, this);
  }

  @Override
  public void push(String name, Runnable op, List<Var> reads, List<Var> writes) {
    VarLists.checkDisjoint(name, reads, writes);
    if (op == null) {
      throw new IllegalArgumentException("operation '" + name + "' has no function");
    }
    if (closed) {
      throw new IllegalStateException(id + " is closed; cannot push '" + name + "'");
    }
    enqueue(ThreadedOp.operation(
        name, op, own(name, reads), own(name, writes), pushed.incrementAndGet()));
  }

  @Override
  public void deleteVar(Var v, Runnable onDone) {
    if (onDone == null) {
      throw new IllegalArgumentException("deleteVar needs a function");
    }
    if (closed) {
      onDone.run(); // no operation can be pending on a closed engine
      return;
    }
    ThreadedVar tv = own("deleteVar", v);
    enqueue(ThreadedOp.cleanup("delete " + tv.name(), onDone, tv, pushed.incrementAndGet()));
  }

  private void enqueue(ThreadedOp o) {
    pending.incrementAndGet();
    // The op starts with one unmet dependency per variable plus one of our own; count the
    // immediate grants locally and release them with ours in one atomic step.
    int granted = 1;
    for (ThreadedVar v : o.reads) {
      if (v.appendRead(o)) {
        granted++;
      }
    }
    for (ThreadedVar v : o.writes) {
      if (v.appendWrite(o)) {
        granted++;
      }
    }
    if (o.grant(granted)) {
      dispatch(o);
    }
  }

  @Override
  public void waitToRead(Var v) {
    waitFor(own("waitToRead", v), false);
  }

  @Override
  public void waitToWrite(Var v) {
    waitFor(own("waitToWrite", v), true);
  }

  @Override
  public void waitAll() {
    if (currentOp() != null) {
      throw new IllegalStateException(
          "waitAll inside engine operation '" + currentOp().name
              + "' would wait for that operation itself; push a dependent operation instead");
    }
    awaitIdle();
    long seq = pushed.get();
    // failures are queued in completion order; report the first in push order, as the naive
    // engine does, and clear the rest
    List<Failure> unreported = new ArrayList<>();
    for (Failure f; (f = failures.poll()) != null; ) {
      if (f.isUnreported()) {
        unreported.add(f);
      }
    }
    unreported.sort(Comparator.comparingLong(Failure::opSeq));
    Failure first = null;
    for (Failure f : unreported) {
      if (f.claim(seq)) {
        if (first == null) {
          first = f;
        } else {
          LOG.warn("{}: further failure cleared by waitAll: operation '{}'", id, f.opName());
        }
      }
    }
    if (first != null) {
      throw first.toException();
    }
  }

  @Override
  public void close() {
    if (currentOp() != null) {
      throw new IllegalStateException("cannot close the engine from inside an operation");
    }
    if (closed) {
      return;
    }
    awaitIdle();
    closed = true;
    for (Worker w : workers) {
      w.interrupt();
    }
    int unreported = 0;
    for (Failure f : failures) {
      if (f.isUnreported()) {
        unreported++;
      }
    }
    if (unreported > 0) {
      LOG.warn("{} closed with {} operation failures never waited for", id, unreported);
    }
  }

  // ---------------------------------------------------------------------------------------
  // scheduling

  /** Sends a ready operation to the workers, or wakes the thread waiting on a marker. */
  private void dispatch(ThreadedOp o) {
    if (!o.isMarker()) {
      ready.offer(o);
    } else if (o.markGranted()) {
      LockSupport.unpark(o.waiter);
    } else {
      // the waiter was interrupted and left; give the variable back in its place
      release(o);
    }
  }

  /** Runs {@code o} on the current worker thread and releases its variables. */
  private void execute(ThreadedOp o, Worker self) {
    if (o.cleanup) {
      runCleanup(o);
      return;
    }
    Failure result = inheritedFailure(o);
    if (result == null) {
      o.enclosing = self.current;
      self.current = o;
      try {
        o.fn.run();
      } catch (Throwable t) { // an op's failure must never kill a worker
        result = new Failure(o.name, o.seq, t);
        failures.add(result);
      } finally {
        self.current = o.enclosing;
        o.enclosing = null;
      }
    }
    // Record before releasing: operations granted by the release must see the failure.
    for (ThreadedVar v : o.writes) {
      v.failure = result;
    }
    release(o);
    if (pending.decrementAndGet() == 0) {
      synchronized (idleLock) {
        idleLock.notifyAll();
      }
    }
  }

  /** Runs a {@code deleteVar} function; its variable's failure state is left as it was. */
  private void runCleanup(ThreadedOp o) {
    try {
      o.fn.run();
    } catch (Throwable t) {
      LOG.warn("{}: {} failed", id, o.name, t);
    }
    release(o);
    if (pending.decrementAndGet() == 0) {
      synchronized (idleLock) {
        idleLock.notifyAll();
      }
    }
  }

  /** The first failure that poisons {@code o} on a variable it reads or writes, or null. */
  private static Failure inheritedFailure(ThreadedOp o) {
    for (ThreadedVar v : o.reads) {
      Failure f = v.failure;
      if (f != null && f.poisons(o.seq)) {
        return f;
      }
    }
    for (ThreadedVar v : o.writes) {
      Failure f = v.failure;
      if (f != null && f.poisons(o.seq)) {
        return f;
      }
    }
    return null;
  }

  /** Gives back every variable {@code o} holds and grants what that unblocks. */
  private void release(ThreadedOp o) {
    for (ThreadedVar v : o.reads) {
      ThreadedOp next = v.completeRead();
      if (next != null && next.grant(1)) {
        dispatch(next);
      }
    }
    for (ThreadedVar v : o.writes) {
      ThreadedVar.Node n = v.completeWrite();
      while (n != null) {
        ThreadedVar.Node following = n.next; // the chain is detached from v: only we walk it
        if (n.op.grant(1)) {
          dispatch(n.op);
        }
        n = following;
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // waiting

  private void waitFor(ThreadedVar v, boolean write) {
    ThreadedOp current = currentOp();
    if (current != null) {
      int held = current.useOnThread(v);
      if (held == ThreadedOp.WRITES || (held == ThreadedOp.READS && write)) {
        throw new IllegalStateException(
            (write ? "waitToWrite" : "waitToRead") + " on " + v.name()
                + " inside engine operation '" + current.name
                + "', which holds that variable, would wait for itself");
      }
      if (held == ThreadedOp.READS) {
        // an enclosing op reads v: every earlier write is done. Queuing a marker could put it
        // behind a later write that waits for that very op, so do not queue.
        reportFailure(v);
        return;
      }
    }
    if (write ? v.isIdle() : v.isReadable()) {
      reportFailure(v); // fast path: nothing pending that we would wait for
      return;
    }
    ThreadedOp marker = ThreadedOp.marker(v, write, Thread.currentThread());
    boolean now = write ? v.appendWrite(marker) : v.appendRead(marker);
    if (marker.grant(now ? 2 : 1)) {
      dispatch(marker);
    }
    if (current != null) {
      helpUntilGranted(marker);
    } else {
      parkUntilGranted(marker, v);
    }
    // The marker now holds v like an operation would; look at v's state, then let go.
    try {
      reportFailure(v);
    } finally {
      release(marker);
    }
  }

  /** Blocks a non-worker thread until the marker is granted. */
  private void parkUntilGranted(ThreadedOp marker, ThreadedVar v) {
    while (!marker.isGranted()) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        if (marker.markAbandoned()) {
          Thread.currentThread().interrupt();
          throw new EngineException(
              "interrupted while waiting for " + v.name(), new InterruptedException());
        }
        // granted concurrently: finish normally, but keep the interrupt for the caller
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** A worker waiting inside an operation runs other ready operations meanwhile. */
  private void helpUntilGranted(ThreadedOp marker) {
    Worker self = (Worker) Thread.currentThread();
    while (!marker.isGranted()) {
      ThreadedOp o;
      try {
        o = ready.poll(HELP_POLL_NANOS, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        if (closed) {
          Thread.currentThread().interrupt();
        }
        continue; // workers are interrupted only by close, which waits for this op first
      }
      if (o != null) {
        execute(o, self);
      }
    }
  }

  private void reportFailure(ThreadedVar v) {
    Failure f = v.failure;
    if (f != null && f.claim(pushed.get())) {
      throw f.toException();
    }
  }

  private void awaitIdle() {
    if (pending.get() == 0) {
      return;
    }
    boolean interrupted = false;
    synchronized (idleLock) {
      while (pending.get() != 0) {
        try {
          idleLock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new EngineException(
          "interrupted while waiting for " + pending.get() + " operations on " + id,
          new InterruptedException());
    }
  }

  /** The operation running on this thread if it is one of this engine's workers, else null. */
  private ThreadedOp currentOp() {
    Thread t = Thread.currentThread();
    return t instanceof Worker w && w.engine() == this ? w.current : null;
  }

  private ThreadedVar own(String opName, Var v) {
    if (v instanceof ThreadedVar tv && tv.owner == this) {
      return tv;
    }
    throw new IllegalArgumentException(
        "operation '" + opName + "': variable '" + (v == null ? "null" : v.name())
            + "' was not created by this engine (" + id + ")");
  }

  private ThreadedVar[] own(String opName, List<Var> vars) {
    int n = vars.size();
    if (n == 0) {
      return ThreadedOp.NO_VARS;
    }
    ThreadedVar[] out = new ThreadedVar[n];
    for (int i = 0; i < n; i++) {
      out[i] = own(opName, vars.get(i));
    }
    return out;
  }

  /** A worker thread: takes ready operations and runs them until the engine closes. */
  private final class Worker extends Thread {
    /** The innermost operation running on this thread, or null. */
    ThreadedOp current;

    Worker(String name) {
      super(name);
      setDaemon(true);
    }

    ThreadedEngine engine() {
      return ThreadedEngine.this;
    }

    @Override
    public void run() {
      while (!closed) {
        ThreadedOp o = ready.poll();
        for (int i = 0; o == null && i < SPIN_POLLS; i++) {
          Thread.onSpinWait();
          o = ready.poll();
        }
        if (o == null) {
          try {
            o = ready.take();
          } catch (InterruptedException e) {
            continue; // close() interrupts; the loop condition decides
          }
        }
        execute(o, this);
      }
    }
  }
}
