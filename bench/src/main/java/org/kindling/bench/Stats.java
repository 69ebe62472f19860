package org.kindling.bench;

import java.util.Arrays;

/** Order statistics over repeated measurements; benchmarks quote medians, never means. */
public final class Stats {
  private Stats() {}

  /**
   * The median of {@code values} (the mean of the two middle values for an even count).
   *
   * @throws IllegalArgumentException if {@code values} is empty
   */
  public static double median(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("median of no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** The smallest of {@code values}; NaN if empty. */
  public static double min(double... values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  /** The largest of {@code values}; NaN if empty. */
  public static double max(double... values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }
}
