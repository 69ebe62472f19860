package org.kindling.tensor.engine;

import java.util.List;

/**
 * The dependency engine that every operation runs through, as in MXNet's {@code Engine}.
 *
 * <p>An operation is pushed with the variables it reads and the variables it writes. Operations
 * that only read a variable may run concurrently; an operation that writes a variable waits for
 * every earlier operation on it and blocks every later one. Operations on disjoint variables
 * run in parallel on the engine's worker threads. Push returns at once, and may be called from
 * inside a running operation.
 *
 * <p>Scheduling: among operations whose dependencies are met, the one with the higher
 * {@code priority} starts first, then the one that became ready first.
 * {@link FnProperty#IO} operations run on a separate small pool. Work that finishes later on some other thread (a network
 * reply) is pushed with {@link #pushAsync}: the operation holds its variables until its
 * {@link Completion} is called, but no engine thread.
 *
 * <p>Waits: {@link #waitToRead}, {@link #waitToWrite} and {@link #waitAll} block the calling
 * thread, which must not be running an engine operation: a wait inside an operation throws
 * {@link IllegalStateException} (an operation states what it needs in its reads and writes;
 * what it must wait for is a dependent operation or an asynchronous one).
 *
 * <p>Failures (MXNet's semantics): if an operation throws, the exception is recorded on the
 * variables it writes. Later operations that read or write such a variable are skipped and
 * record the same failure on their own outputs. The first wait that sees the failure (a
 * {@code waitToRead}/{@code waitToWrite} of one of those variables, or {@code waitAll}) rethrows
 * it wrapped in {@link EngineException} and clears it: operations pushed after that wait use
 * the variables normally again, and {@code waitAll} no longer reports it.
 *
 * <p>Get the process-wide engine from {@link Engines#get()}.
 */
public interface Engine extends AutoCloseable {

  /** A new variable with the given debugging name. */
  Var newVar(String name);

  /** {@link #push(String, Runnable, List, List, FnProperty, int)}: normal, priority 0. */
  default void push(String name, Runnable op, List<Var> reads, List<Var> writes) {
    push(name, op, reads, writes, FnProperty.NORMAL, 0);
  }

  /**
   * Schedules {@code op}. A variable must not appear in both lists; list it only in
   * {@code writes} if the operation both reads and writes it.
   *
   * @param name a short operation name for errors and profiling
   * @param op the work; runs on an engine thread (or the caller's thread, for the naive engine)
   * @param reads variables the operation reads
   * @param writes variables the operation writes
   * @param prop the pool that runs it
   * @param priority higher starts first among operations that are ready at the same time
   */
  void push(String name, Runnable op, List<Var> reads, List<Var> writes, FnProperty prop,
      int priority);

  /**
   * Schedules an asynchronous operation (MXNet's {@code PushAsync}): like {@link #push}, but the
   * operation ends when its {@link Completion} is called, not when {@link AsyncOp#start}
   * returns. Later operations on its variables wait until then, without holding a thread.
   */
  void pushAsync(String name, AsyncOp op, List<Var> reads, List<Var> writes, FnProperty prop,
      int priority);

  /**
   * Runs {@code onDone} once every operation pushed so far that reads or writes {@code v} has
   * finished, whatever their outcome, as MXNet's {@code DeleteVariable}: how an array's memory
   * goes back to the pool only after the last operation that uses it. {@code v} must not be used
   * afterwards; an unreported failure it carries can then only be reported by {@link #waitAll}.
   * {@code onDone} must be quick and must not throw (a throw is logged, not recorded).
   */
  void deleteVar(Var v, Runnable onDone);

  /**
   * Blocks until every pushed operation that writes {@code v} has finished.
   *
   * @throws EngineException if {@code v} carries a failure not reported before
   * @throws IllegalStateException if called inside an engine operation
   */
  void waitToRead(Var v);

  /**
   * Blocks until every pushed operation that reads or writes {@code v} has finished.
   *
   * @throws EngineException if {@code v} carries a failure not reported before
   * @throws IllegalStateException if called inside an engine operation
   */
  void waitToWrite(Var v);

  /**
   * Blocks until every pushed operation has finished; rethrows the first (in push order) failure
   * not reported before and clears all of them.
   *
   * @throws IllegalStateException if called inside an engine operation
   */
  void waitAll();

  /**
   * Runs {@code body} on the calling thread, during which every synchronous operation this
   * thread pushes whose variables are all free at the push runs at once on this thread, inside
   * the push, instead of going to a worker; operations that must wait for others, asynchronous
   * operations and {@code deleteVar} functions are scheduled as usual. For a thread that pushes
   * a short operation and then waits for it anyway (the kvstore server's optimizer update,
   * decision 0074): two thread hand-offs saved per operation. Dependencies, failures and the
   * refusal of waits inside an operation are as for any operation. The naive engine runs every
   * operation on the caller anyway, so its {@code body} just runs.
   *
   * @throws IllegalStateException if called inside an engine operation
   */
  default void runOnCaller(Runnable body) {
    body.run();
  }

  /** Waits for all work, then stops worker threads. Idempotent. */
  @Override
  void close();
}
