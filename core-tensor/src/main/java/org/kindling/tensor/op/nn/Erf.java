package org.kindling.tensor.op.nn;

/**
 * The error function for GELU (Java's {@code Math} has none), accurate to about 2e-15
 * absolute in double: a series of positive terms below 3 (no cancellation), the continued
 * fraction of erfc from 3 to 6, and ±1 beyond (erfc(6) is below 3e-17).
 */
final class Erf {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  private static final double SQRT_PI = Math.sqrt(Math.PI);

  private Erf() {}

  /** erf(x); NaN for NaN, ±1 for ±infinity, keeps the sign of -0. */
  static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double a = Math.abs(x);
    double r;
    if (a < 3) {
      // erf(a) = 2/sqrt(pi) · e^(-a²) · Σ a·(2a²)^n / (1·3·…·(2n+1))
      double a2 = a * a;
      double term = a;
      double sum = a;
      for (int n = 1; term > sum * 1e-17; n++) {
        term *= 2 * a2 / (2 * n + 1);
        sum += term;
      }
      r = TWO_OVER_SQRT_PI * Math.exp(-a2) * sum;
    } else if (a < 6) {
      // erfc(a) = e^(-a²)/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + ...))))
      double f = a;
      for (int n = 60; n >= 1; n--) {
        f = a + (n * 0.5) / f;
      }
      r = 1 - Math.exp(-a * a) / (SQRT_PI * f);
    } else {
      r = 1;
    }
    return Math.copySign(r, x);
  }

  /** d/dx erf(x) = 2/sqrt(pi)·e^(-x²). */
  static double erfDerivative(double x) {
    return TWO_OVER_SQRT_PI * Math.exp(-x * x);
  }
}
