package org.kindling.tensor.engine;

import java.util.List;
import org.kindling.tensor.profile.Profiler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synchronous engine: {@link #push} runs the operation at once on the caller's thread, so
 * execution order is program order; priorities and pools make no difference. For deterministic
 * debugging ({@code -Dkindling.engine=naive}). It behaves like {@link ThreadedEngine} wherever
 * the outcome does not depend on timing: failures are recorded, passed on, reported once and
 * forgotten alike, and a wait inside an operation is refused alike.
 *
 * <p>{@link #pushAsync} returns only once the operation has completed, and holds the engine
 * meanwhile (as MXNet's naive engine, which requires completion before its push returns), so
 * the thread that completes it must not push to this engine first.
 */
public final class NaiveEngine implements Engine {
  private static final Logger LOG = LoggerFactory.getLogger(NaiveEngine.class);

  private static final class NaiveVar implements Var {
    private final String name;
    private final NaiveEngine owner;
    /** Guarded by the owning engine. */
    private Failure failure;
    /** {@link Var#version()}. */
    private volatile long version = WriteStamps.next();

    NaiveVar(String name, NaiveEngine owner) {
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
  }

  private final FailureLedger failures = new FailureLedger("naive engine");
  /** Operations pushed so far. Guarded by {@code this}. */
  private long pushed;
  /** The innermost operation running now, or null. Guarded by {@code this}. */
  private String running;

  @Override
  public Var newVar(String name) {
    return new NaiveVar(name, this);
  }

  @Override
  public synchronized void push(String name, Runnable op, List<Var> reads, List<Var> writes,
      FnProperty prop, int priority) {
    VarLists.checkPush(name, op, reads, writes, prop);
    run(name, reads, writes, () -> {
      op.run();
      return null;
    });
  }

  @Override
  public synchronized void pushAsync(String name, AsyncOp op, List<Var> reads, List<Var> writes,
      FnProperty prop, int priority) {
    VarLists.checkPush(name, op, reads, writes, prop);
    run(name, reads, writes, () -> {
      NaiveCompletion done = new NaiveCompletion(name);
      try {
        op.start(done);
      } catch (Throwable t) {
        done.startFailed(t);
      }
      return done.await();
    });
  }

  /** The work of one operation: runs it and returns the failure it reported, or null. */
  private interface Work {
    Throwable run();
  }

  /** Runs {@code work} unless a variable's failure poisons it; records the outcome. */
  private void run(String name, List<Var> reads, List<Var> writes, Work work) {
    reads.forEach(v -> own(name, v));
    writes.forEach(v -> own(name, v));
    long seq = ++pushed;
    Failure result = null;
    for (Var v : reads) {
      result = poisoning(((NaiveVar) v).failure, seq, result);
    }
    for (Var v : writes) {
      result = poisoning(((NaiveVar) v).failure, seq, result);
    }
    Throwable thrown = null;
    if (result == null) {
      String outer = running;
      running = name;
      long began = Profiler.begin();
      try {
        thrown = work.run();
      } catch (Throwable t) { // recorded like the threaded engine does, never thrown from push
        thrown = t;
      } finally {
        running = outer;
        Profiler.end(Profiler.ENGINE, name, began);
      }
      if (thrown != null) {
        result = new Failure(name, seq, thrown);
      }
    }
    for (Var v : writes) {
      setFailure((NaiveVar) v, result);
      ((NaiveVar) v).version = WriteStamps.next();
    }
    if (thrown != null) {
      failures.record(result);
    }
  }

  private void setFailure(NaiveVar v, Failure f) {
    if (v.failure != f) {
      failures.carry(v.failure, f);
      v.failure = f;
    }
  }

  @Override
  public synchronized void deleteVar(Var v, Runnable onDone) {
    if (onDone == null) {
      throw new IllegalArgumentException("deleteVar needs a function");
    }
    NaiveVar nv = own("deleteVar", v);
    ++pushed;
    setFailure(nv, null);
    String outer = running;
    running = "delete " + nv.name();
    try {
      onDone.run(); // every operation on v has already run
    } catch (Throwable t) {
      LOG.warn("naive engine: delete {} failed", nv.name(), t);
    } finally {
      running = outer;
    }
  }

  private static Failure poisoning(Failure f, long seq, Failure found) {
    return found == null && f != null && f.poisons(seq) ? f : found;
  }

  @Override
  public synchronized void waitToRead(Var v) {
    NaiveVar nv = own("waitToRead", v);
    report("waitToRead on '" + nv.name() + "'", nv);
  }

  @Override
  public synchronized void waitToWrite(Var v) {
    NaiveVar nv = own("waitToWrite", v);
    report("waitToWrite on '" + nv.name() + "'", nv);
    nv.version = WriteStamps.next(); // the caller writes the storage directly now
  }

  private void report(String what, NaiveVar v) {
    rejectInsideOperation(what);
    Failure f = v.failure;
    if (f != null && failures.claim(f, pushed)) {
      throw f.toException();
    }
  }

  @Override
  public synchronized void waitAll() {
    rejectInsideOperation("waitAll");
    Failure first = failures.claimAll(pushed);
    if (first != null) {
      throw first.toException();
    }
  }

  private void rejectInsideOperation(String what) {
    if (running != null) {
      throw VarLists.waitInsideOperation(what, running);
    }
  }

  /** Failures held for a later wait; for tests that check nothing accumulates. */
  synchronized int unreportedFailures() {
    return failures.size();
  }

  @Override
  public void close() {}

  private NaiveVar own(String opName, Var v) {
    if (v instanceof NaiveVar nv && nv.owner == this) {
      return nv;
    }
    throw new IllegalArgumentException(
        "operation '" + opName + "': variable '" + (v == null ? "null" : v.name())
            + "' was not created by this engine");
  }

  /** The completion of one asynchronous operation, which the pushing thread waits for. */
  private static final class NaiveCompletion implements Completion {
    private final String name;
    private boolean completed;
    private Throwable cause;

    NaiveCompletion(String name) {
      this.name = name;
    }

    @Override
    public void done() {
      complete(null);
    }

    @Override
    public void fail(Throwable cause) {
      if (cause == null) {
        throw new IllegalArgumentException(
            "operation '" + name + "': fail needs the exception that caused the failure");
      }
      complete(cause);
    }

    private synchronized void complete(Throwable t) {
      if (completed) {
        throw new IllegalStateException("asynchronous operation '" + name
            + "' was already completed; call done or fail exactly once");
      }
      completed = true;
      cause = t;
      notifyAll();
    }

    synchronized void startFailed(Throwable t) {
      if (completed) {
        LOG.warn("naive engine: asynchronous operation '{}' threw after it completed; ignored",
            name, t);
        return;
      }
      complete(t);
    }

    /** Blocks until completed; an interrupt is kept for the caller, not acted on. */
    synchronized Throwable await() {
      boolean interrupted = false;
      while (!completed) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return cause;
    }
  }
}
