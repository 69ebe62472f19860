package org.kindling.tensor.ops;

import java.util.List;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.kernel.Blas;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Var;

/**
 * Matrix products through OpenBLAS {@link Blas#sgemm}, as engine operations. Arrays are
 * row-major float32; reference: {@link ReferenceKernels#gemm}.
 */
public final class Linalg {
  private Linalg() {}

  /**
   * The matrix product of {@code a} {@code (m, k)} and {@code b} {@code (k, n)}: a new
   * {@code (m, n)} array.
   *
   * @throws IllegalArgumentException if an array is not 2-D float32 or the inner dimensions
   *     differ (both shapes are named)
   */
  public static NDArray dot(NDArray a, NDArray b) {
    OpSupport.requireFloat32("dot", "left operand", a);
    OpSupport.requireFloat32("dot", "right operand", b);
    require2d("dot", a, b);
    int m = a.shape().get(0);
    int k = a.shape().get(1);
    int n = b.shape().get(1);
    if (b.shape().get(0) != k) {
      throw new IllegalArgumentException(
          "dot: shapes " + a.shape() + " and " + b.shape() + " are not aligned: " + k + " != "
              + b.shape().get(0));
    }
    Engine e = OpSupport.engineOf("dot", a, b);
    NDArray out = NDArray.zeros(Shape.of(m, n));
    List<Var> writes = List.of(out.var());
    e.push(
        "dot",
        () ->
            Blas.sgemm(false, false, m, n, k, 1f, a.floatBuffer(), 0, Math.max(1, k),
                b.floatBuffer(), 0, Math.max(1, n), 0f, out.floatBuffer(), 0, Math.max(1, n)),
        OpSupport.reads(writes, a, b),
        writes);
    return out;
  }

  /**
   * {@code c = alpha * op(a) * op(b) + beta * c}, writing {@code c} in place, where
   * {@code op(x)} is {@code x} or its transpose: {@code op(a)} is {@code (m, k)}, {@code op(b)}
   * {@code (k, n)} and {@code c} {@code (m, n)}. With {@code beta == 0} the old contents of
   * {@code c} are ignored. {@code a} and {@code b} may be the same array; {@code c} must not
   * share storage with either.
   *
   * @throws IllegalArgumentException if an array is not 2-D float32, the shapes do not fit
   *     (all three are named), or {@code c} aliases an input
   */
  public static void gemm(
      NDArray a, boolean transA, NDArray b, boolean transB, NDArray c, float alpha, float beta) {
    OpSupport.requireFloat32("gemm", "a", a);
    OpSupport.requireFloat32("gemm", "b", b);
    OpSupport.requireFloat32("gemm", "c", c);
    require2d("gemm", a, b);
    if (c.shape().ndim() != 2) {
      throw new IllegalArgumentException("gemm: c must be 2-D, got " + c.shape());
    }
    int m = a.shape().get(transA ? 1 : 0);
    int k = a.shape().get(transA ? 0 : 1);
    int kb = b.shape().get(transB ? 1 : 0);
    int n = b.shape().get(transB ? 0 : 1);
    if (kb != k || c.shape().get(0) != m || c.shape().get(1) != n) {
      throw new IllegalArgumentException(
          "gemm: shapes do not fit: a " + a.shape() + (transA ? " transposed" : "") + ", b "
              + b.shape() + (transB ? " transposed" : "") + ", c " + c.shape() + " (need op(a) ("
              + "m, k), op(b) (k, n), c (m, n))");
    }
    if (c.var() == a.var() || c.var() == b.var()) {
      throw new IllegalArgumentException(
          "gemm: c " + c.shape() + " shares storage with an input; BLAS cannot write in place");
    }
    Engine e = OpSupport.engineOf("gemm", a, b, c);
    int lda = a.shape().get(1);
    int ldb = b.shape().get(1);
    List<Var> writes = List.of(c.var());
    e.push(
        "gemm",
        () ->
            Blas.sgemm(transA, transB, m, n, k, alpha, a.floatBuffer(), 0, Math.max(1, lda),
                b.floatBuffer(), 0, Math.max(1, ldb), beta, c.floatBuffer(), 0, Math.max(1, n)),
        OpSupport.reads(writes, a, b),
        writes);
  }

  private static void require2d(String op, NDArray a, NDArray b) {
    if (a.shape().ndim() != 2 || b.shape().ndim() != 2) {
      throw new IllegalArgumentException(
          op + ": needs 2-D arrays, got " + a.shape() + " and " + b.shape());
    }
  }
}
