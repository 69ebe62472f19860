package org.kindling.tensor.kernel;

/**
 * The Gauss error function, which {@link Math} lacks, to double precision (about 1e-15): a series
 * of positive terms below |x| = 2.5 (no cancellation), the continued fraction of erfc above, and
 * +-1 from |x| = 6 (erfc(6) is below half an ulp of 1). For the {@code erf} operator and GELU.
 */
public final class ErfMath {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  private static final double ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);

  private ErfMath() {}

  /** erf(x); NaN for NaN, +-1 for +-inf, -0 for -0. */
  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double ax = Math.abs(x);
    double r;
    if (ax < 2.5) {
      // erf(x) = 2/sqrt(pi) e^(-x^2) sum_n (2x^2)^n x / (1*3*...*(2n+1))
      double x2 = 2 * ax * ax;
      double term = ax;
      double sum = ax;
      for (int n = 1; n < 200; n++) {
        term *= x2 / (2 * n + 1);
        sum += term;
        if (term < sum * 1e-17) {
          break;
        }
      }
      r = TWO_OVER_SQRT_PI * Math.exp(-ax * ax) * sum;
    } else if (ax < 6) {
      // erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), from the tail
      double f = ax;
      for (int k = 80; k >= 1; k--) {
        f = ax + (k / 2.0) / f;
      }
      r = 1 - Math.exp(-ax * ax) * ONE_OVER_SQRT_PI / f;
    } else {
      r = 1;
    }
    return Math.copySign(r, x);
  }

  /** d/dx erf(x) = 2/sqrt(pi)·e^(-x²). */
  public static double derivative(double x) {
    return TWO_OVER_SQRT_PI * Math.exp(-x * x);
  }
}
