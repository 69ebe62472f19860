package org.kindling.tensor.ops;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The element-wise and reduction kernels the operators run inside engine operations. They
 * copy direct-buffer data through small heap chunks (bulk copies are memcpy) so the arithmetic
 * runs on arrays the JIT can vectorize, instead of one bounds-checked buffer call per element.
 * Inputs and outputs may be the same buffer: each chunk is read fully before it is written.
 */
final class FloatKernels {
  /** 16 KiB per chunk: fits L1 together with its partner. */
  private static final int CHUNK = 4096;

  /** Binary element-wise operations. */
  enum Binary {
    ADD,
    SUBTRACT,
    MULTIPLY,
    DIVIDE
  }

  private FloatKernels() {}

  /** {@code out[i] = a[i] (op) b[i]} for {@code i < n}. */
  static void binary(Binary op, FloatBuffer a, FloatBuffer b, FloatBuffer out, int n) {
    float[] x = new float[Math.min(CHUNK, n)];
    float[] y = new float[x.length];
    for (int start = 0; start < n; start += CHUNK) {
      int len = Math.min(CHUNK, n - start);
      a.get(start, x, 0, len);
      b.get(start, y, 0, len);
      switch (op) {
        case ADD -> {
          for (int i = 0; i < len; i++) {
            x[i] += y[i];
          }
        }
        case SUBTRACT -> {
          for (int i = 0; i < len; i++) {
            x[i] -= y[i];
          }
        }
        case MULTIPLY -> {
          for (int i = 0; i < len; i++) {
            x[i] *= y[i];
          }
        }
        case DIVIDE -> {
          for (int i = 0; i < len; i++) {
            x[i] /= y[i];
          }
        }
      }
      out.put(start, x, 0, len);
    }
  }

  /** {@code out[i] = a[i] * mul + add} for {@code i < n}. */
  static void affine(FloatBuffer a, float mul, float add, FloatBuffer out, int n) {
    float[] x = new float[Math.min(CHUNK, n)];
    for (int start = 0; start < n; start += CHUNK) {
      int len = Math.min(CHUNK, n - start);
      a.get(start, x, 0, len);
      if (mul != 1f) {
        for (int i = 0; i < len; i++) {
          x[i] *= mul;
        }
      }
      if (add != 0f) {
        for (int i = 0; i < len; i++) {
          x[i] += add;
        }
      }
      out.put(start, x, 0, len);
    }
  }

  /** {@code out[i] = max(a[i], 0)}, NaN kept. */
  static void relu(FloatBuffer a, FloatBuffer out, int n) {
    float[] x = new float[Math.min(CHUNK, n)];
    for (int start = 0; start < n; start += CHUNK) {
      int len = Math.min(CHUNK, n - start);
      a.get(start, x, 0, len);
      for (int i = 0; i < len; i++) {
        x[i] = x[i] < 0f ? 0f : x[i]; // NaN < 0 is false, so NaN passes through
      }
      out.put(start, x, 0, len);
    }
  }

  /** Sum of {@code a[0..n)} accumulated in double. */
  static double sum(FloatBuffer a, int n) {
    float[] x = new float[Math.min(CHUNK, n)];
    double s = 0;
    for (int start = 0; start < n; start += CHUNK) {
      int len = Math.min(CHUNK, n - start);
      a.get(start, x, 0, len);
      for (int i = 0; i < len; i++) {
        s += x[i];
      }
    }
    return s;
  }

  /**
   * Sums a row-major {@code outer x len x inner} array over its middle axis into
   * {@code outer x inner}, accumulating in double one outer slab at a time so that reads stay
   * sequential.
   */
  static void sumAxis(FloatBuffer a, int outer, int len, int inner, FloatBuffer out) {
    double[] acc = new double[inner];
    float[] row = new float[Math.min(CHUNK, inner)];
    float[] res = new float[row.length];
    for (int o = 0; o < outer; o++) {
      Arrays.fill(acc, 0.0);
      for (int r = 0; r < len; r++) {
        int base = (o * len + r) * inner;
        for (int start = 0; start < inner; start += CHUNK) {
          int n = Math.min(CHUNK, inner - start);
          a.get(base + start, row, 0, n);
          for (int j = 0; j < n; j++) {
            acc[start + j] += row[j];
          }
        }
      }
      for (int start = 0; start < inner; start += CHUNK) {
        int n = Math.min(CHUNK, inner - start);
        for (int j = 0; j < n; j++) {
          res[j] = (float) acc[start + j];
        }
        out.put(o * inner + start, res, 0, n);
      }
    }
  }
}
