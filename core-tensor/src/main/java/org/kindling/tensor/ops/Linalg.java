package org.kindling.tensor.ops;

import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.linalg.BatchDot;
import org.kindling.tensor.op.linalg.Dot;
import org.kindling.tensor.op.linalg.DotParams;

/**
 * Matrix products on NDArrays through the registered {@code dot} and {@code batch_dot}
 * operators (OpenBLAS sgemm), as MXNet's {@code mx.nd.dot} and {@code mx.nd.batch_dot}. Each call
 * is one engine operation and returns at once.
 */
public final class Linalg {
  private Linalg() {}

  /**
   * The product of {@code a} and {@code b}: for 2-D arrays {@code (m, k) x (k, n) -> (m, n)}; for
   * N-D arrays MXNet's rule (the last axis of {@code a} against the first of {@code b}).
   *
   * @throws IllegalArgumentException naming both shapes if they are not aligned
   */
  public static NDArray dot(NDArray a, NDArray b) {
    return Imperative.call(Dot.OP, DotParams.plain(), a, b);
  }

  /** {@code op(a) · op(b)} where {@code op} transposes when asked (MXNet's transpose_a/_b). */
  public static NDArray dot(NDArray a, boolean transposeA, NDArray b, boolean transposeB) {
    return Imperative.call(Dot.OP, DotParams.of(transposeA, transposeB), a, b);
  }

  /**
   * Batched products of 3-D arrays: {@code (B, m, k) x (B, k, n) -> (B, m, n)}, with optional
   * transposes of the last two axes.
   */
  public static NDArray batchDot(NDArray a, boolean transposeA, NDArray b, boolean transposeB) {
    return Imperative.call(BatchDot.OP, DotParams.of(transposeA, transposeB), a, b);
  }
}
