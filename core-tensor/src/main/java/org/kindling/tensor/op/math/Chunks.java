package org.kindling.tensor.op.math;

import java.nio.FloatBuffer;

/**
 * The chunked loops of the one-input element-wise kernels ({@link UnaryMath},
 * {@link ScalarBinary}, {@link Clip}): values are copied into arrays a chunk at a time, so that
 * the inner loops run on plain arrays.
 */
final class Chunks {
  /** Elements per chunk. */
  static final int SIZE = 4096;

  private Chunks() {}

  /** A function of the first {@code n} elements of an array, in place. */
  interface InPlace {
    void apply(float[] v, int n);
  }

  /** An element's input gradient from its output gradient and the value the derivative reads. */
  interface Gradient {
    float apply(float dy, float v);
  }

  /** {@code y[i] = f(x[i])} for {@code i < n}; {@code y} may be {@code x}'s buffer. */
  static void map(FloatBuffer x, FloatBuffer y, int n, InPlace f) {
    float[] v = new float[Math.min(SIZE, n)];
    for (int start = 0; start < n; start += SIZE) {
      int m = Math.min(SIZE, n - start);
      x.get(start, v, 0, m);
      f.apply(v, m);
      y.put(start, v, 0, m);
    }
  }

  /**
   * {@code dx[i] = g(dy[i], src[i])} for {@code i < n}, written or, with {@code add}, added;
   * {@code src} is null where the gradient reads no value (then {@code v} is 0).
   */
  static void gradient(FloatBuffer dy, FloatBuffer src, FloatBuffer dx, int n, boolean add,
      Gradient g) {
    float[] d = new float[Math.min(SIZE, n)];
    float[] v = new float[d.length];
    float[] old = new float[d.length];
    for (int start = 0; start < n; start += SIZE) {
      int m = Math.min(SIZE, n - start);
      dy.get(start, d, 0, m);
      if (src != null) {
        src.get(start, v, 0, m);
      }
      for (int j = 0; j < m; j++) {
        d[j] = g.apply(d[j], v[j]);
      }
      BinaryKernel.put(dx, start, d, old, m, add);
    }
  }
}
