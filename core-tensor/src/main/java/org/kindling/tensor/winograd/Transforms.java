package org.kindling.tensor.winograd;

/**
 * The matrices of F(m, 3) built from interpolation points, so that one construction serves
 * every tile size: for an input row {@code d} of {@code alpha = m + 2} values and a filter
 * {@code g} of 3, the correlation {@code y_i = Σ_k g_k d_{i+k}} ({@code i < m}) is
 * {@code y = Aᵀ [(G g) ⊙ (Bᵀ d)]}; in 2-D, {@code Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ D B)] A}.
 *
 * <p>Construction (Toom-Cook, transposed): for finite points {@code p_0..p_{n-1}}
 * ({@code n = alpha - 1}) and the point at infinity, a product {@code s = g·h} of polynomials is
 * {@code s(x) = Σ_j s(p_j) L_j(x) + s_∞ Π_j (x - p_j)} with Lagrange bases
 * {@code L_j = Π_{l≠j}(x - p_l) / f_j}, {@code f_j = Π_{l≠j}(p_j - p_l)}. Hence
 * {@code G[j][k] = p_j^k / f_j} (evaluation, with the 1/f_j scaling put into the filter
 * transform, which is computed once, in double), {@code Aᵀ[i][j] = p_j^i}, and row j of
 * {@code Bᵀ} the coefficients of {@code Π_{l≠j}(x - p_l)}; the infinity row/column takes the
 * leading coefficients. With the points 0, ±1, ±2, ±1/2 these are Lavin's matrices up to the
 * sign of whole rows. Immutable.
 */
final class Transforms {
  /** The filter extent these transforms are built for. */
  static final int R = 3;

  final int m;
  final int alpha;
  /** {@code Bᵀ}, alpha x alpha, row-major, float (applied to data in float32). */
  final float[] bt;
  /** {@code Aᵀ}, m x alpha, row-major, float (applied to products in float32). */
  final float[] at;
  /** {@code G}, alpha x 3, row-major, double (the filter transform is computed in double). */
  final double[] g;

  private Transforms(int m, int alpha, float[] bt, float[] at, double[] g) {
    this.m = m;
    this.alpha = alpha;
    this.bt = bt;
    this.at = at;
    this.g = g;
  }

  /**
   * The transforms of F(m, 3) at {@code points} (distinct, {@code m + 1} of them) and infinity.
   *
   * @throws IllegalArgumentException if the number of points is not m + 1 or two are equal
   */
  static Transforms of(int m, double[] points) {
    int alpha = m + R - 1;
    int n = alpha - 1;
    if (points.length != n) {
      throw new IllegalArgumentException("F(" + m + ",3) needs " + n + " finite points, got "
          + points.length);
    }
    double[] g = new double[alpha * R];
    double[] at = new double[m * alpha];
    double[] bt = new double[alpha * alpha];
    for (int j = 0; j < n; j++) {
      double f = 1;
      double[] poly = {1}; // Π_{l≠j}(x - p_l), ascending coefficients
      for (int l = 0; l < n; l++) {
        if (l != j) {
          if (points[l] == points[j]) {
            throw new IllegalArgumentException("interpolation point " + points[j] + " repeats");
          }
          f *= points[j] - points[l];
          poly = timesLinear(poly, points[l]);
        }
      }
      for (int k = 0; k < R; k++) {
        g[j * R + k] = Math.pow(points[j], k) / f;
      }
      for (int i = 0; i < m; i++) {
        at[i * alpha + j] = Math.pow(points[j], i);
      }
      System.arraycopy(poly, 0, bt, j * alpha, poly.length);
    }
    double[] all = {1};
    for (double p : points) {
      all = timesLinear(all, p);
    }
    g[n * R + R - 1] = 1;
    at[(m - 1) * alpha + n] = 1;
    System.arraycopy(all, 0, bt, n * alpha, all.length);
    return new Transforms(m, alpha, toFloat(bt), toFloat(at), g);
  }

  /** {@code poly(x) · (x - root)}, ascending coefficients. */
  private static double[] timesLinear(double[] poly, double root) {
    double[] r = new double[poly.length + 1];
    for (int i = 0; i < poly.length; i++) {
      r[i + 1] += poly[i];
      r[i] -= root * poly[i];
    }
    return r;
  }

  private static float[] toFloat(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i]; // the entries are dyadic (points 0, ±1, ±2, ±1/2): exact in float
    }
    return f;
  }
}
