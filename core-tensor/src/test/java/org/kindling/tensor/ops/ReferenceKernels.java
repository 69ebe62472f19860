package org.kindling.tensor.ops;

/**
 * Naive reference kernels: the plainest loops that define what each operator computes, on
 * heap {@code float[]} arrays in row-major order. Tests compare the engine operators and their
 * fast kernels against these (the oracle pattern of style.md); they are not for production
 * use. Sums accumulate in double.
 */
public final class ReferenceKernels {
  private ReferenceKernels() {}

  /** {@code a[i] + b[i]}. */
  public static float[] add(float[] a, float[] b) {
    float[] out = new float[sameLength(a, b)];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }

  /** {@code a[i] - b[i]}. */
  public static float[] subtract(float[] a, float[] b) {
    float[] out = new float[sameLength(a, b)];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] - b[i];
    }
    return out;
  }

  /** {@code a[i] * b[i]}. */
  public static float[] multiply(float[] a, float[] b) {
    float[] out = new float[sameLength(a, b)];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] * b[i];
    }
    return out;
  }

  /** {@code a[i] / b[i]} (IEEE: division by zero gives an infinity or NaN). */
  public static float[] divide(float[] a, float[] b) {
    float[] out = new float[sameLength(a, b)];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] / b[i];
    }
    return out;
  }

  /** {@code a[i] + s}. */
  public static float[] addScalar(float[] a, float s) {
    float[] out = new float[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] + s;
    }
    return out;
  }

  /** {@code a[i] * s}. */
  public static float[] multiplyScalar(float[] a, float s) {
    float[] out = new float[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] * s;
    }
    return out;
  }

  /** {@code max(a[i], 0)}; NaN stays NaN as in MXNet's {@code relu}. */
  public static float[] relu(float[] a) {
    float[] out = new float[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] > 0f || Float.isNaN(a[i]) ? a[i] : 0f;
    }
    return out;
  }

  /** Sum of all elements, accumulated in double in index order. */
  public static double sum(float[] a) {
    double s = 0;
    for (float v : a) {
      s += v;
    }
    return s;
  }

  /**
   * Sum over {@code axis} of a row-major array of dimensions {@code dims}; the result has the
   * dimensions without {@code axis}, in row-major order.
   */
  public static float[] sum(float[] a, int[] dims, int axis) {
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= dims[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < dims.length; i++) {
      inner *= dims[i];
    }
    int len = dims[axis];
    float[] out = new float[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        double s = 0;
        for (int r = 0; r < len; r++) {
          s += a[(o * len + r) * inner + j];
        }
        out[o * inner + j] = (float) s;
      }
    }
    return out;
  }

  /**
   * Row-major {@code C = alpha * op(A) * op(B) + beta * C} by the definition (the contract of
   * {@link Blas#sgemm}); {@code beta == 0} ignores C's old contents.
   */
  public static void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOffset,
      int lda,
      float[] b,
      int bOffset,
      int ldb,
      float beta,
      float[] c,
      int cOffset,
      int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          float x = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
          float y = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
          s += (double) x * y;
        }
        int ci = cOffset + i * ldc + j;
        c[ci] = (float) (alpha * s + (beta == 0f ? 0.0 : (double) beta * c[ci]));
      }
    }
  }

  private static int sameLength(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths " + a.length + " and " + b.length + " differ");
    }
    return a.length;
  }
}
