package org.kindling.tensor.kernel;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;
import org.kindling.tensor.engine.ThreadBudget;

/**
 * OpenBLAS through JavaCPP ({@code org.bytedeco.openblas.global.openblas_full}).
 *
 * <p>The native library loads on the first call of any method here, never in a static
 * initializer, so that classes which merely mention this one stay cheap to load; the first
 * call takes 0.15 to 0.55 s. Loading sets OpenBLAS's threads per call to the
 * {@link ThreadBudget}'s, so that BLAS and the engine's workers share the cores.
 *
 * <p>Buffers are passed to native code without a copy: they must be direct and in native byte
 * order. JavaCPP hands native code the buffer's address plus its <em>position</em>; this class
 * ignores the caller's position and passes a duplicate positioned at the given offset, so
 * callers on several threads may share one buffer.
 */
public final class Blas {
  private static final int ROW_MAJOR = 101; // CblasRowMajor
  private static final int NO_TRANS = 111; // CblasNoTrans
  private static final int TRANS = 112; // CblasTrans

  private static volatile boolean loaded;

  private Blas() {}

  /**
   * Loads OpenBLAS if this is the first use, turning a missing native library into an error
   * that says what to put on the class path.
   */
  private static void ensureLoaded() {
    if (loaded) {
      return;
    }
    synchronized (Blas.class) {
      if (loaded) {
        return;
      }
      try {
        Loader.load(openblas_full.class);
      } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
        throw new IllegalStateException(
            "cannot load the OpenBLAS native library for " + Loader.getPlatform()
                + ": put org.bytedeco:openblas:" + "<version>:" + Loader.getPlatform()
                + " and org.bytedeco:javacpp:<version>:" + Loader.getPlatform()
                + " on the class path (" + e + ")",
            e);
      }
      openblas_full.openblas_set_num_threads(ThreadBudget.fromSystemProperties().blasThreads());
      loaded = true;
    }
  }

  /**
   * Row-major {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(A)} is
   * {@code m x k}, {@code op(B)} is {@code k x n} and {@code C} is {@code m x n}; {@code op(X)}
   * is {@code X} or its transpose. A is stored as {@code m x k} rows of stride {@code lda} (or
   * {@code k x m} when {@code transA}); likewise B with {@code ldb}; C as {@code m} rows of
   * stride {@code ldc}. As in BLAS, {@code beta == 0} overwrites C without reading it.
   *
   * @param aOffset index of A's first element in {@code a}, in floats (the buffer's position is
   *     ignored); likewise {@code bOffset}, {@code cOffset}
   * @throws IllegalArgumentException if a size is negative, a leading dimension is smaller
   *     than its row length, an offset is negative, a buffer is too short for the matrix it
   *     holds, or a buffer is not direct and native-order
   * @throws IllegalStateException if the OpenBLAS native library cannot be loaded
   */
  public static void sgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      FloatBuffer a,
      int aOffset,
      int lda,
      FloatBuffer b,
      int bOffset,
      int ldb,
      float beta,
      FloatBuffer c,
      int cOffset,
      int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(
          "sgemm: negative size m=" + m + " n=" + n + " k=" + k);
    }
    checkMatrix("C", c, cOffset, m, n, ldc);
    if (m == 0 || n == 0) {
      return; // C is empty; A and B are never read
    }
    if (k == 0) {
      // op(A)*op(B) is the zero matrix; BLAS would reject lda = 0 here, so do it ourselves
      scale(c, cOffset, m, n, ldc, beta);
      return;
    }
    checkMatrix("A", a, aOffset, transA ? k : m, transA ? m : k, lda);
    checkMatrix("B", b, bOffset, transB ? n : k, transB ? k : n, ldb);
    ensureLoaded();
    openblas_full.cblas_sgemm(
        ROW_MAJOR,
        transA ? TRANS : NO_TRANS,
        transB ? TRANS : NO_TRANS,
        m,
        n,
        k,
        alpha,
        at(a, aOffset),
        lda,
        at(b, bOffset),
        ldb,
        beta,
        at(c, cOffset),
        ldc);
  }

  /**
   * {@code y[yOffset + i] += alpha * x[xOffset + i]} for {@code i < n} (BLAS {@code saxpy}, unit
   * strides): one pass that reads both vectors and writes {@code y}, where a Java loop over
   * direct buffers first copies them into arrays. With {@code alpha == 1} each result is the
   * float sum {@code y + x}, rounded once.
   *
   * @throws IllegalArgumentException if {@code n} or an offset is negative, a buffer is too
   *     short, or a buffer is not direct and native-order
   * @throws IllegalStateException if the OpenBLAS native library cannot be loaded
   */
  public static void saxpy(int n, float alpha, FloatBuffer x, int xOffset, FloatBuffer y,
      int yOffset) {
    if (n < 0) {
      throw new IllegalArgumentException("saxpy: negative size n=" + n);
    }
    checkVector("saxpy", "x", x, xOffset, n);
    checkVector("saxpy", "y", y, yOffset, n);
    if (n == 0) {
      return;
    }
    ensureLoaded();
    openblas_full.cblas_saxpy(n, alpha, at(x, xOffset), 1, at(y, yOffset), 1);
  }

  /** The name of the OpenBLAS kernel in use, e.g. {@code Haswell} or {@code SkylakeX}. */
  public static String coreName() {
    ensureLoaded();
    return openblas_full.openblas_get_corename().getString();
  }

  /**
   * Sets the number of threads OpenBLAS uses for each call (process-wide).
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public static void setNumThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("OpenBLAS needs at least one thread, got " + threads);
    }
    ensureLoaded();
    openblas_full.openblas_set_num_threads(threads);
  }

  /** Threads OpenBLAS uses for each call (as set by {@link #setNumThreads} or its default). */
  public static int numThreads() {
    ensureLoaded();
    return openblas_full.openblas_get_num_threads();
  }

  /** A view of {@code buf} whose position is {@code offset}: where JavaCPP starts reading. */
  private static FloatBuffer at(FloatBuffer buf, int offset) {
    return buf.duplicate().position(offset);
  }

  /** Checks that {@code n} floats at {@code offset} fit in a direct native-order buffer. */
  private static void checkVector(String op, String what, FloatBuffer buf, int offset, int n) {
    checkBuffer(op, what, buf, offset);
    if ((long) offset + n > buf.capacity()) {
      throw new IllegalArgumentException(op + ": " + what + " needs " + ((long) offset + n)
          + " floats (" + n + " at offset " + offset + ") but the buffer holds "
          + buf.capacity());
    }
  }

  /** Checks that {@code buf} can go to native code as it is, and that {@code offset >= 0}. */
  private static void checkBuffer(String op, String what, FloatBuffer buf, int offset) {
    if (buf == null) {
      throw new IllegalArgumentException(op + ": buffer " + what + " is null");
    }
    if (!buf.isDirect() || buf.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException(
          op + ": buffer " + what + " must be direct and native-order (direct=" + buf.isDirect()
              + ", order=" + buf.order() + "); heap buffers would be copied by JNI");
    }
    if (offset < 0) {
      throw new IllegalArgumentException(op + ": negative offset " + offset + " for " + what);
    }
  }

  /** Checks that {@code rows x cols} with row stride {@code ld} at {@code offset} fits. */
  private static void checkMatrix(String what, FloatBuffer buf, int offset, int rows, int cols,
      int ld) {
    checkBuffer("sgemm", what, buf, offset);
    if (rows == 0 || cols == 0) {
      return; // an empty matrix: nothing is read or written, BLAS is not called for it
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException(
          "sgemm: leading dimension of " + what + " is " + ld + ", less than its row length "
              + cols + " (" + rows + " x " + cols + " stored row-major)");
    }
    long needed = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    if (offset + needed > buf.capacity()) {
      throw new IllegalArgumentException(
          "sgemm: " + what + " (" + rows + " x " + cols + ", leading dimension " + ld
              + ") at offset " + offset + " needs " + (offset + needed)
              + " floats but the buffer holds " + buf.capacity());
    }
  }

  /** {@code C *= beta}, with {@code beta == 0} clearing C (NaNs included) as BLAS does. */
  private static void scale(FloatBuffer c, int offset, int m, int n, int ldc, float beta) {
    for (int i = 0; i < m; i++) {
      int row = offset + i * ldc;
      for (int j = 0; j < n; j++) {
        c.put(row + j, beta == 0f ? 0f : beta * c.get(row + j));
      }
    }
  }
}
