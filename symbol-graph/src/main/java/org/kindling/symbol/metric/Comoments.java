package org.kindling.symbol.metric;

/**
 * Running count, means, sums of squared deviations and co-deviation of two series, updated a
 * batch at a time (Chan et al.'s pairwise update; MXNet's micro Pearson uses the equivalent
 * Welford form).
 */
final class Comoments implements AveragedMetric.Stats {
  private long n;
  private double meanX;
  private double meanY;
  private double m2x;
  private double m2y;
  private double cxy;

  /** Adds the pairs {@code (x[i], y[i])}. */
  void add(double[] x, double[] y) {
    int nb = x.length;
    if (nb == 0) {
      return;
    }
    double bx = 0;
    double by = 0;
    for (int i = 0; i < nb; i++) {
      bx += x[i];
      by += y[i];
    }
    bx /= nb;
    by /= nb;
    double bm2x = 0;
    double bm2y = 0;
    double bc = 0;
    for (int i = 0; i < nb; i++) {
      double dx = x[i] - bx;
      double dy = y[i] - by;
      bm2x += dx * dx;
      bm2y += dy * dy;
      bc += dx * dy;
    }
    long total = n + nb;
    double dx = bx - meanX;
    double dy = by - meanY;
    double w = (double) n * nb / total;
    meanX += dx * nb / total;
    meanY += dy * nb / total;
    m2x += bm2x + dx * dx * w;
    m2y += bm2y + dy * dy * w;
    cxy += bc + dx * dy * w;
    n = total;
  }

  /** Number of pairs. */
  @Override
  public long count() {
    return n;
  }

  /** Pearson's r of everything added, as MXNet's micro formula (NaN for fewer than 2 pairs). */
  @Override
  public double score() {
    double d = n - 1;
    return cxy / (d * Math.sqrt(m2x / d) * Math.sqrt(m2y / d));
  }

  @Override
  public void clear() {
    n = 0;
    meanX = 0;
    meanY = 0;
    m2x = 0;
    m2y = 0;
    cxy = 0;
  }
}
