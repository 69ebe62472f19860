package org.kindling.tensor.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The synchronous engine: {@link #push} runs the operation at once on the caller's thread, so
 * execution order is program order. For deterministic debugging
 * ({@code -Dkindling.engine=naive}). Failures surface exactly as with {@link ThreadedEngine}
 * (recorded on the written variables, passed on by operations that use them, rethrown and
 * cleared by the first wait that sees them), so code behaves the same under both. Waiting
 * inside an operation is harmless here, unlike in the threaded engine.
 */
public final class NaiveEngine implements Engine {
  private static final class NaiveVar implements Var {
    private final String name;
    private final NaiveEngine owner;
    private volatile Failure failure;

    NaiveVar(String name, NaiveEngine owner) {
      this.name = name;
      this.owner = owner;
    }

    @Override
    public String name() {
      return name;
    }
  }

  /** Failures no wait has rethrown yet, oldest first. Guarded by {@code this}. */
  private final List<Failure> failures = new ArrayList<>();
  /** Operations pushed so far. Guarded by {@code this}. */
  private long pushed;

  @Override
  public Var newVar(String name) {
    return new NaiveVar(name, this);
  }

  @Override
  public synchronized void push(String name, Runnable op, List<Var> reads, List<Var> writes) {
    VarLists.checkDisjoint(name, reads, writes);
    if (op == null) {
      throw new IllegalArgumentException("operation '" + name + "' has no function");
    }
    long seq = ++pushed;
    Failure result = null;
    for (Var v : reads) {
      result = poisoning(own(name, v).failure, seq, result);
    }
    for (Var v : writes) {
      result = poisoning(own(name, v).failure, seq, result);
    }
    if (result == null) {
      try {
        op.run();
      } catch (Throwable t) { // recorded like the threaded engine does, never thrown from push
        result = new Failure(name, seq, t);
        failures.add(result);
      }
    }
    for (Var v : writes) {
      ((NaiveVar) v).failure = result;
    }
  }

  @Override
  public synchronized void deleteVar(Var v, Runnable onDone) {
    own("deleteVar", v);
    onDone.run(); // every operation on v has already run
  }

  private static Failure poisoning(Failure f, long seq, Failure found) {
    return found == null && f != null && f.poisons(seq) ? f : found;
  }

  @Override
  public void waitToRead(Var v) {
    report(own("waitToRead", v));
  }

  @Override
  public void waitToWrite(Var v) {
    report(own("waitToWrite", v));
  }

  private synchronized void report(NaiveVar v) {
    Failure f = v.failure;
    if (f != null && f.claim(pushed)) {
      throw f.toException();
    }
  }

  @Override
  public synchronized void waitAll() {
    Failure first = null;
    for (Failure f : failures) {
      if (f.claim(pushed) && first == null) {
        first = f;
      }
    }
    failures.clear();
    if (first != null) {
      throw first.toException();
    }
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
}
