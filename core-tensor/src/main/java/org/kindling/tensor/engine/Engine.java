package org.kindling.tensor.engine;

import java.util.List;

/**
 * The dependency engine that every operation runs through, as in MXNet's {@code Engine}.
 *
 * <p>An operation is pushed with the variables it reads and the variables it writes. Operations
 * that only read a variable may run concurrently; an operation that writes a variable waits for
 * every earlier operation on it and blocks every later one. Operations on disjoint variables
 * run in parallel on the engine's worker threads. Push returns at once.
 *
 * <p>If an operation throws, the exception is recorded on the variables it writes and rethrown
 * (wrapped in {@link EngineException}) by the next {@link #waitToRead}/{@link #waitToWrite} on
 * one of them, or by {@link #waitAll}. Operations that read a failed variable are skipped and
 * propagate the failure to their own outputs. A failure is reported once: the wait that
 * rethrows it clears it for operations pushed after that wait.
 *
 * <p>Get the process-wide engine from {@link Engines#get()}.
 */
public interface Engine extends AutoCloseable {

  /** A new variable with the given debugging name. */
  Var newVar(String name);

  /**
   * Schedules {@code op}. A variable must not appear in both lists; list it only in
   * {@code writes} if the operation both reads and writes it.
   *
   * @param name a short operation name for errors and profiling
   * @param op the work; runs on an engine thread (or the caller's thread, for the naive engine)
   * @param reads variables the operation reads
   * @param writes variables the operation writes
   */
  void push(String name, Runnable op, List<Var> reads, List<Var> writes);

  /**
   * Runs {@code onDone} once every operation pushed so far that reads or writes {@code v} has
   * finished, whatever their outcome, as MXNet's {@code DeleteVariable}: how an array's memory
   * goes back to the pool only after the last operation that uses it. {@code v} must not be used
   * afterwards. {@code onDone} must be quick and must not throw (a throw is logged, not recorded).
   */
  void deleteVar(Var v, Runnable onDone);

  /** Blocks until every pushed operation that writes {@code v} has finished. */
  void waitToRead(Var v);

  /** Blocks until every pushed operation that reads or writes {@code v} has finished. */
  void waitToWrite(Var v);

  /** Blocks until every pushed operation has finished; rethrows the first unreported failure. */
  void waitAll();

  /** Waits for all work, then stops worker threads. Idempotent. */
  @Override
  void close();
}
