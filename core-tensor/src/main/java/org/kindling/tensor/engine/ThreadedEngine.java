package org.kindling.tensor.engine;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.kindling.tensor.profile.Profiler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MXNet's threaded dependency engine: every variable keeps a queue of the operations waiting
 * for it; reads of a variable run concurrently, a write waits for every earlier read and write
 * and blocks every later one. Operations whose dependencies are all granted go to the ready
 * queue of their pool ({@link FnProperty#NORMAL}: the compute workers, {@link FnProperty#IO}:
 * a small separate pool), served highest priority first, then in the order they became ready,
 * by daemon worker threads (MXNet's {@code ThreadedEnginePerDevice} on a CPU).
 *
 * <p>Successor affinity: a worker that finishes an operation runs next, itself, the operation
 * that finishing made ready, when nothing else waits in its pool's queue (the highest-priority
 * one if it made several ready; the others go to the queue for the other workers). A chain of
 * dependent operations (a network's layers at batch 1) then runs on one thread, as on MXNet's one
 * CPU worker, while independent operations still spread over the workers. That one thread is
 * what makes one OpenMP team serve the whole chain: libgomp gives each thread that starts a
 * parallel region a team of its own, so oneDNN layers on alternating workers ran two teams that
 * handed the cores back and forth (docs/decisions/0042-successor-affinity.md). The scheduling
 * rule stays: an operation kept so is the only ready one of its pool, or outranks the rest.
 *
 * <p>Cost: {@link #push} allocates one small object per operation plus one queue node per
 * variable that is busy, takes each variable's lock briefly and never blocks, so it may be
 * called from inside a running operation (a nested push). Compute workers spin briefly before
 * parking so that bursts of small operations do not pay a thread wake-up each; I/O workers park
 * at once (their operations arrive one per network reply).
 *
 * <p>An asynchronous operation ({@link #pushAsync}) holds its variables, but no thread, until
 * its {@link Completion} is called; the completing thread releases the variables and readies
 * what waited for them, which run on the workers.
 *
 * <p>Waits never run on an engine thread: a wait inside an operation (or inside an
 * asynchronous operation's start, or a {@code deleteVar} function) throws
 * {@link IllegalStateException}, whatever the variable's state, so the outcome does not depend
 * on timing. A worker that blocked would either have to run unrelated operations on its own
 * stack while it waits (where they could wait for the operation beneath them) or could
 * deadlock the pool. Waits are interruptible: an interrupted waiter gets an
 * {@link EngineException} caused by {@link InterruptedException}, with its interrupt status set
 * again.
 *
 * <p>Failures follow {@link Engine}. Operations pushed before the wait that reported a failure
 * are still skipped even if they run after it, so the outcome depends on program order only and
 * matches {@link NaiveEngine}. Reported failures are forgotten at once ({@link FailureLedger}).
 */
public final class ThreadedEngine implements Engine {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadedEngine.class);
  private static final AtomicInteger ENGINE_IDS = new AtomicInteger();
  /** Polls a worker makes before parking: long enough to catch the next op of a burst. */
  private static final int SPIN_POLLS = 2_000;

  private final ReadyQueue normal = new ReadyQueue();
  private final ReadyQueue io = new ReadyQueue();
  private final Worker[] workers;
  private final int ioThreads;
  /** Pushed operations (not wait markers) that have not finished. */
  private final AtomicLong pending = new AtomicLong();
  /** Operations pushed so far: the push sequence that orders failure reporting. */
  private final AtomicLong pushed = new AtomicLong();
  private final Object idleLock = new Object();
  private final FailureLedger failures;
  /**
   * Per thread inside {@link #runOnCaller}: the operation it runs inline now, if any (a
   * non-worker thread has no {@link Worker#current}). Absent outside such a scope.
   */
  private final ThreadLocal<CallerRuns> callerRuns = new ThreadLocal<>();
  private final String id;
  private volatile boolean closed;

  /**
   * Starts an engine with {@code threads} compute workers and {@code ioThreads} workers for
   * {@link FnProperty#IO} operations, all daemon threads.
   *
   * @throws IllegalArgumentException if either count is below 1
   */
  public ThreadedEngine(int threads, int ioThreads) {
    if (threads < 1 || ioThreads < 1) {
      throw new IllegalArgumentException("a threaded engine needs at least one compute and one"
          + " I/O worker thread, got " + threads + " and " + ioThreads);
    }
    id = "kindling-engine-" + ENGINE_IDS.incrementAndGet();
    failures = new FailureLedger(id);
    this.ioThreads = ioThreads;
    workers = new Worker[threads + ioThreads];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = i < threads
          ? new Worker(id + "-worker-" + i, normal)
          : new Worker(id + "-io-" + (i - threads), io);
      workers[i].start();
    }
    LOG.debug("{} started with {} compute and {} I/O worker threads", id, threads, ioThreads);
  }

  /** Number of compute worker threads. */
  public int threads() {
    return workers.length - ioThreads;
  }

  /** Number of worker threads for {@link FnProperty#IO} operations. */
  public int ioThreads() {
    return ioThreads;
  }

  @Override
  public Var newVar(String name) {
    return new ThreadedVar(name, this);
  }

  @Override
  public void push(String name, Runnable op, List<Var> reads, List<Var> writes, FnProperty prop,
      int priority) {
    VarLists.checkPush(name, op, reads, writes, prop);
    enqueue(ThreadedOp.operation(name, op, null, own(name, reads), own(name, writes),
        nextSeq(name), prop, priority));
  }

  @Override
  public void pushAsync(String name, AsyncOp op, List<Var> reads, List<Var> writes,
      FnProperty prop, int priority) {
    VarLists.checkPush(name, op, reads, writes, prop);
    enqueue(ThreadedOp.operation(name, null, op, own(name, reads), own(name, writes),
        nextSeq(name), prop, priority));
  }

  private long nextSeq(String name) {
    if (closed) {
      throw new IllegalStateException(id + " is closed; cannot push '" + name + "'");
    }
    return pushed.incrementAndGet();
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
      CallerRuns here = o.fn != null && !o.cleanup ? callerRuns.get() : null;
      if (here != null) {
        runHere(o, here);
      } else {
        dispatch(o);
      }
    }
  }

  /** The state of a thread inside {@link #runOnCaller}. */
  private static final class CallerRuns {
    /** The operation this thread runs inline now, or null. */
    ThreadedOp current;
  }

  @Override
  public void runOnCaller(Runnable body) {
    if (body == null) {
      throw new IllegalArgumentException("runOnCaller needs a body");
    }
    rejectOnEngineThread("runOnCaller");
    if (callerRuns.get() != null) {
      body.run(); // nested scope: the outer one already applies
      return;
    }
    callerRuns.set(new CallerRuns());
    try {
      body.run();
    } finally {
      callerRuns.remove();
    }
  }

  /**
   * Runs a synchronous operation whose variables were all granted at its push on the pushing
   * thread (inside {@link #runOnCaller}), as a worker would: an inherited failure skips it, a
   * throw is recorded, a wait inside it is refused. What its release makes ready goes to the
   * pools (or, if pushed by this thread later in the scope, may run here).
   */
  private void runHere(ThreadedOp o, CallerRuns here) {
    Failure inherited = inheritedFailure(o);
    if (inherited != null) {
      finish(o, inherited, null);
      return;
    }
    ThreadedOp outer = here.current; // a push from inside an inline operation nests
    here.current = o;
    Throwable thrown = null;
    long began = Profiler.begin();
    try {
      o.fn.run();
    } catch (Throwable t) {
      thrown = t;
    } finally {
      here.current = outer;
      Profiler.end(Profiler.ENGINE, o.name, began);
    }
    finish(o, null, thrown);
  }

  @Override
  public void waitToRead(Var v) {
    ThreadedVar tv = own("waitToRead", v);
    rejectOnEngineThread("waitToRead on '" + tv.name() + "'");
    waitFor(tv, false);
  }

  @Override
  public void waitToWrite(Var v) {
    ThreadedVar tv = own("waitToWrite", v);
    rejectOnEngineThread("waitToWrite on '" + tv.name() + "'");
    waitFor(tv, true);
    tv.wrote(); // the caller writes the storage directly now
  }

  @Override
  public void waitAll() {
    rejectOnEngineThread("waitAll");
    awaitIdle();
    Failure first = failures.claimAll(pushed.get());
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
    int unreported = failures.size();
    if (unreported > 0) {
      LOG.warn("{} closed with {} operation failures never waited for", id, unreported);
    }
  }

  /** Failures held for a later wait; for tests that check nothing accumulates. */
  int unreportedFailures() {
    return failures.size();
  }

  // ---------------------------------------------------------------------------------------
  // scheduling

  /** Sends a ready operation to its pool, or wakes the thread waiting on a marker. */
  private void dispatch(ThreadedOp o) {
    if (!o.isMarker()) {
      ReadyQueue q = o.prop == FnProperty.IO ? io : normal;
      ThreadedOp queued = keepForReleasingWorker(o, q);
      if (queued != null) {
        q.offer(queued);
      }
    } else if (o.markGranted()) {
      LockSupport.unpark(o.waiter);
    } else {
      // the waiter was interrupted and left; give the variable back in its place
      release(o);
    }
  }

  /**
   * Successor affinity (see the class comment): if the calling thread is a worker of {@code q}
   * releasing the variables of the operation it ran, it keeps {@code o} to run next when the
   * queue is empty and it keeps nothing yet, or in place of a kept operation of lower priority.
   *
   * @return the operation to offer to {@code q}: {@code o}, the one {@code o} displaced, or null
   */
  private ThreadedOp keepForReleasingWorker(ThreadedOp o, ReadyQueue q) {
    if (!(Thread.currentThread() instanceof Worker w) || w.engine() != this || !w.releasing
        || w.queue != q) {
      return o;
    }
    ThreadedOp kept = w.next;
    if (kept == null) {
      if (!q.isEmpty()) {
        return o; // an operation that became ready earlier goes first
      }
      w.next = o;
      return null;
    }
    if (o.priority > kept.priority) {
      w.next = o;
      return kept;
    }
    return o;
  }

  /** Runs {@code o} on the current worker thread; finishes it unless it is asynchronous. */
  private void execute(ThreadedOp o, Worker self) {
    if (o.cleanup) {
      runCleanup(o, self);
      return;
    }
    Failure inherited = inheritedFailure(o);
    if (inherited != null) {
      finishOn(self, o, inherited, null);
      return;
    }
    self.current = o;
    if (o.fn != null) {
      Throwable thrown = null;
      long began = Profiler.begin();
      try {
        o.fn.run();
      } catch (Throwable t) { // an op's failure must never kill a worker
        thrown = t;
      } finally {
        self.current = null;
        Profiler.end(Profiler.ENGINE, o.name, began);
      }
      finishOn(self, o, null, thrown);
      return;
    }
    AsyncCompletion completion = new AsyncCompletion(o);
    try {
      o.asyncFn.start(completion);
    } catch (Throwable t) {
      completion.startFailed(t);
    } finally {
      self.current = null;
    }
  }

  /** {@link #finish} on the worker that ran {@code o}, which may keep what it makes ready. */
  private void finishOn(Worker self, ThreadedOp o, Failure inherited, Throwable thrown) {
    self.releasing = true;
    try {
      finish(o, inherited, thrown);
    } finally {
      self.releasing = false;
    }
  }

  /**
   * Ends {@code o}: records its outcome on the variables it writes (the failure it inherited,
   * a new one for {@code thrown}, or none), then releases its variables.
   */
  private void finish(ThreadedOp o, Failure inherited, Throwable thrown) {
    Failure result = thrown == null ? inherited : new Failure(o.name, o.seq, thrown);
    // Record before releasing: operations granted by the release must see the failure.
    for (ThreadedVar v : o.writes) {
      setFailure(v, result);
      v.wrote(); // before the release: whatever runs next on v sees the new stamp
    }
    if (thrown != null) {
      failures.record(result);
    }
    release(o);
    opDone();
  }

  private void setFailure(ThreadedVar v, Failure f) {
    Failure old = v.failure;
    if (old != f) {
      failures.carry(old, f);
      v.failure = f;
    }
  }

  /** Runs a {@code deleteVar} function; the variable is gone, so is any failure it carried. */
  private void runCleanup(ThreadedOp o, Worker self) {
    setFailure(o.writes[0], null);
    self.current = o;
    try {
      o.fn.run();
    } catch (Throwable t) {
      LOG.warn("{}: {} failed", id, o.name, t);
    } finally {
      self.current = null;
    }
    release(o);
    opDone();
  }

  private void opDone() {
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

  /** The {@link Completion} handed to an asynchronous operation: finishes it exactly once. */
  private final class AsyncCompletion implements Completion {
    private final ThreadedOp op;

    AsyncCompletion(ThreadedOp op) {
      this.op = op;
    }

    @Override
    public void done() {
      complete(null);
    }

    @Override
    public void fail(Throwable cause) {
      if (cause == null) {
        throw new IllegalArgumentException(
            "operation '" + op.name + "': fail needs the exception that caused the failure");
      }
      complete(cause);
    }

    private void complete(Throwable cause) {
      if (!op.markCompleted()) {
        throw new IllegalStateException("asynchronous operation '" + op.name
            + "' was already completed; call done or fail exactly once");
      }
      finish(op, null, cause);
    }

    /** {@code start} threw: the operation fails, unless it had already completed. */
    void startFailed(Throwable t) {
      if (op.markCompleted()) {
        finish(op, null, t);
      } else {
        LOG.warn("{}: asynchronous operation '{}' threw after it completed; ignored", id,
            op.name, t);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // waiting

  /**
   * Refuses a wait on an engine thread. A worker that blocks either runs unrelated operations
   * on its stack meanwhile or starves the pool; both can deadlock.
   */
  private void rejectOnEngineThread(String what) {
    ThreadedOp current = currentOp();
    if (current != null) {
      throw VarLists.waitInsideOperation(what, current.name);
    }
  }

  private void waitFor(ThreadedVar v, boolean write) {
    if (write ? v.isIdle() : v.isReadable()) {
      reportFailure(v); // fast path: nothing pending that we would wait for
      return;
    }
    ThreadedOp marker = ThreadedOp.marker(v, write, Thread.currentThread());
    boolean now = write ? v.appendWrite(marker) : v.appendRead(marker);
    if (marker.grant(now ? 2 : 1)) {
      dispatch(marker);
    }
    parkUntilGranted(marker, v);
    // The marker now holds v like an operation would; look at v's state, then let go.
    try {
      reportFailure(v);
    } finally {
      release(marker);
    }
  }

  /** Blocks the calling thread until the marker is granted. */
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

  private void reportFailure(ThreadedVar v) {
    Failure f = v.failure;
    if (f != null && failures.claim(f, pushed.get())) {
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

  /**
   * The operation running on this thread if it is one of this engine's workers or runs one
   * inline ({@link #runOnCaller}), else null.
   */
  private ThreadedOp currentOp() {
    Thread t = Thread.currentThread();
    if (t instanceof Worker w && w.engine() == this) {
      return w.current;
    }
    CallerRuns here = callerRuns.get();
    return here != null ? here.current : null;
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

  /** A worker thread: takes ready operations of its pool and runs them until the engine closes. */
  private final class Worker extends Thread {
    final ReadyQueue queue;
    /** The operation running on this thread, or null. */
    ThreadedOp current;
    /** True while this thread releases the variables of the operation it ran. */
    boolean releasing;
    /** A ready operation this thread runs next without queueing it (successor affinity). */
    ThreadedOp next;

    /** Whether this worker spins before it parks: compute workers do, I/O workers do not. */
    final boolean spins;

    Worker(String name, ReadyQueue queue) {
      super(name);
      this.queue = queue;
      this.spins = queue == normal;
      setDaemon(true);
    }

    ThreadedEngine engine() {
      return ThreadedEngine.this;
    }

    @Override
    public void run() {
      while (!closed) {
        ThreadedOp o = next;
        next = null;
        if (o == null) {
          // only compute workers spin: I/O operations (communication starts and their copies)
          // come one per reply, milliseconds apart, so an I/O worker's spin would only burn a
          // core the compute needs (docs/decisions/0064)
          o = spins ? queue.spinPoll(SPIN_POLLS) : queue.poll();
        }
        if (o == null) {
          try {
            o = queue.take();
          } catch (InterruptedException e) {
            continue; // close() interrupts; the loop condition decides
          }
        }
        execute(o, this);
      }
    }
  }
}
