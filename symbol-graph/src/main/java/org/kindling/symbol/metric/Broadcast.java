package org.kindling.symbol.metric;

import org.kindling.tensor.Shape;

/** numpy's broadcasting of two arrays, for the element-wise errors of the regression metrics. */
final class Broadcast {
  private Broadcast() {}

  /**
   * {@code a - b} with numpy's broadcasting rules (shapes aligned at the end; a dimension of 1
   * stretches), row-major.
   *
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  static double[] difference(double[] a, Shape as, double[] b, Shape bs) {
    int nd = Math.max(as.ndim(), bs.ndim());
    int[] dims = new int[nd];
    long[] strideA = strides(as, nd);
    long[] strideB = strides(bs, nd);
    long total = 1;
    for (int k = 0; k < nd; k++) {
      int da = dim(as, nd, k);
      int db = dim(bs, nd, k);
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "shapes " + as + " and " + bs + " do not broadcast together");
      }
      dims[k] = da == 1 ? db : da;
      if (da == 1) {
        strideA[k] = 0;
      }
      if (db == 1) {
        strideB[k] = 0;
      }
      total *= dims[k];
    }
    double[] out = new double[Math.toIntExact(total)];
    int[] index = new int[nd];
    long ia = 0;
    long ib = 0;
    for (int i = 0; i < out.length; i++) {
      out[i] = a[(int) ia] - b[(int) ib];
      // advance the row-major odometer, moving both source offsets with it
      for (int k = nd - 1; k >= 0; k--) {
        if (++index[k] < dims[k]) {
          ia += strideA[k];
          ib += strideB[k];
          break;
        }
        ia -= strideA[k] * (dims[k] - 1);
        ib -= strideB[k] * (dims[k] - 1);
        index[k] = 0;
      }
    }
    return out;
  }

  /** Dimension {@code k} of {@code s} right-aligned in {@code nd} dimensions (1 if absent). */
  private static int dim(Shape s, int nd, int k) {
    int j = k - (nd - s.ndim());
    return j < 0 ? 1 : s.get(j);
  }

  private static long[] strides(Shape s, int nd) {
    long[] out = new long[nd];
    long stride = 1;
    for (int k = nd - 1; k >= 0; k--) {
      out[k] = stride;
      stride *= dim(s, nd, k);
    }
    return out;
  }
}
