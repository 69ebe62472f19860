package org.kindling.symbol.op;

import java.nio.FloatBuffer;

/** Small loops shared by several kernels. All indices are absolute; positions are untouched. */
final class Kernels {
  private Kernels() {}

  /** {@code dst[i] = src[i]} or, with {@code add}, {@code dst[i] += src[i]}, for i in [0, n). */
  static void copy(FloatBuffer src, FloatBuffer dst, int n, boolean add) {
    if (add) {
      for (int i = 0; i < n; i++) {
        dst.put(i, dst.get(i) + src.get(i));
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst.put(i, src.get(i));
      }
    }
  }

  /** Sets {@code dst[0, n)} to zero. */
  static void zero(FloatBuffer dst, int n) {
    for (int i = 0; i < n; i++) {
      dst.put(i, 0f);
    }
  }

  /**
   * Row-wise softmax of {@code rows × k} blocks whose class elements are {@code inner} apart:
   * element (r, c, j) is at {@code (r*k + c)*inner + j}. Max-subtracted, in float, as mshadow.
   */
  static void softmax(FloatBuffer x, FloatBuffer y, int rows, int k, int inner) {
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < inner; j++) {
        int base = r * k * inner + j;
        float max = x.get(base);
        for (int c = 1; c < k; c++) {
          max = Math.max(max, x.get(base + c * inner));
        }
        float sum = 0f;
        for (int c = 0; c < k; c++) {
          float e = (float) Math.exp(x.get(base + c * inner) - max);
          y.put(base + c * inner, e);
          sum += e;
        }
        for (int c = 0; c < k; c++) {
          y.put(base + c * inner, y.get(base + c * inner) / sum);
        }
      }
    }
  }
}
