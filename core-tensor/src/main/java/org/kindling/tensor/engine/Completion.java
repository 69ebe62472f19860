package org.kindling.tensor.engine;

/**
 * How an asynchronous operation (see {@link Engine#pushAsync}) says it has finished (MXNet's
 * {@code CallbackOnComplete}). Call exactly one of the two methods, exactly once, from any
 * thread; until then the operation holds its variables. Both return quickly: they release the
 * variables and make the operations waiting for them ready, they never run those operations.
 */
public interface Completion {
  /** The operation succeeded. */
  void done();

  /**
   * The operation failed: {@code cause} is recorded on the variables it writes, exactly as if a
   * synchronous operation had thrown it.
   */
  void fail(Throwable cause);
}
