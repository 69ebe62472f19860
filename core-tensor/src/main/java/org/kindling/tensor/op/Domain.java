package org.kindling.tensor.op;

import java.util.random.RandomGenerator;

/**
 * Where the test suites draw an input's values from, for an operator's {@link Sample}: ordinary
 * reals, values an operator requires (positive for {@code log}, class labels for a loss, indices
 * for {@code take}), and whether special values (NaN, +-Inf, -0) may be mixed in.
 *
 * @param low smallest value (inclusive)
 * @param high largest value (exclusive; for integer domains the values are {@code low..high-1})
 * @param integral true for labels and indices (whole numbers)
 * @param specials true if NaN, +-Inf and -0 may appear (forward reference tests only)
 */
public record Domain(double low, double high, boolean integral, boolean specials) {
  /** Reals in [-3, 3), with special values in forward tests. */
  public static final Domain ANY = new Domain(-3, 3, false, true);
  /** Reals in [-3, 3) without special values (where NaN would poison a whole reduction). */
  public static final Domain FINITE = new Domain(-3, 3, false, false);
  /** Reals in [0.5, 3): for log, sqrt, division. */
  public static final Domain POSITIVE = new Domain(0.5, 3, false, false);
  /** Reals in [0.05, 0.95): probabilities. */
  public static final Domain UNIT = new Domain(0.05, 0.95, false, false);

  /** Whole numbers {@code 0..n-1}: class labels or indices into an axis of length n. */
  public static Domain index(int n) {
    return new Domain(0, n, true, false);
  }

  /** Reals in {@code [low, high)}, no special values. */
  public static Domain range(double low, double high) {
    return new Domain(low, high, false, false);
  }

  /** One value drawn from this domain (never special). */
  public double draw(RandomGenerator r) {
    if (integral) {
      return Math.floor(low + r.nextDouble() * (high - low));
    }
    return low + r.nextDouble() * (high - low);
  }
}
