package org.kindling.tensor.engine;

/**
 * The work of an asynchronous engine operation (MXNet's {@code AsyncFn}): {@link #start} runs on
 * an engine thread once the operation's dependencies are met, starts the work (a network
 * request, a file read handed to another thread) and returns without waiting for it; whoever
 * finishes the work calls {@code done} or {@code fail} on the {@link Completion}.
 */
@FunctionalInterface
public interface AsyncOp {
  /**
   * Starts the work. It may complete {@code done} before returning. If it throws before
   * {@code done} was completed, the operation fails with that exception; a throw after
   * completion is logged, since the outcome is already decided.
   */
  void start(Completion done);
}
