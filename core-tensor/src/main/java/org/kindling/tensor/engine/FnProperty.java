package org.kindling.tensor.engine;

/**
 * Which worker pool runs an operation (MXNet's {@code FnProperty}, reduced to what a CPU-only
 * engine needs).
 */
public enum FnProperty {
  /** Computation: runs on the engine's compute workers, whose count the thread budget sets. */
  NORMAL,
  /**
   * Communication and I/O (MXNet's copy and I/O properties): runs on a small separate pool, so
   * an operation that blocks on a socket or a file never holds a compute worker and compute
   * never delays a transfer. Work that completes later on another thread should rather be
   * pushed with {@link Engine#pushAsync}, which holds no thread while it waits.
   */
  IO
}
