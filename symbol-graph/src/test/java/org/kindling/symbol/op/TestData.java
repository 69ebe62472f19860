package org.kindling.symbol.op;

import java.util.SplittableRandom;

/** Deterministic random test values. */
final class TestData {
  private TestData() {}

  static float[] uniform(SplittableRandom rnd, int n, double lo, double hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextDouble(lo, hi);
    }
    return a;
  }

  /** Values in ±[lo, hi]: away from zero, for kinks such as relu's. */
  static float[] awayFromZero(SplittableRandom rnd, int n, double lo, double hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      double v = rnd.nextDouble(lo, hi);
      a[i] = (float) (rnd.nextBoolean() ? v : -v);
    }
    return a;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }
}
