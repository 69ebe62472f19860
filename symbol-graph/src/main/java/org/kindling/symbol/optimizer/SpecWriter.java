package org.kindling.symbol.optimizer;

import java.math.BigDecimal;
import java.util.StringJoiner;

/**
 * Writes the {@code key=value} pairs of an optimizer spec ({@link Optimizer#spec()}) so that
 * {@link SpecReader} reads back the same values: numbers as the shortest decimal that is the same
 * double, without exponent ({@code 0.0001}, {@code -1}).
 */
final class SpecWriter {
  private final StringJoiner out = new StringJoiner(" ");

  /** Starts a spec with the optimizer's name, or an empty one if null. */
  SpecWriter(String name) {
    if (name != null) {
      out.add(name);
    }
  }

  /** An empty list of pairs. */
  SpecWriter() {
    this(null);
  }

  SpecWriter number(String key, double v) {
    out.add(key + "=" + formatNumber(v));
    return this;
  }

  SpecWriter integer(String key, long v) {
    out.add(key + "=" + v);
    return this;
  }

  SpecWriter integers(String key, int[] v) {
    StringJoiner j = new StringJoiner(",");
    for (int x : v) {
      j.add(Integer.toString(x));
    }
    out.add(key + "=" + j);
    return this;
  }

  SpecWriter bool(String key, boolean v) {
    out.add(key + "=" + v);
    return this;
  }

  SpecWriter word(String key, String v) {
    out.add(key + "=" + v);
    return this;
  }

  /** The shortest decimal that reads back as the same double, without exponent. */
  static String formatNumber(double v) {
    if (v == 0) {
      return "0";
    }
    if (!Double.isFinite(v)) {
      return Double.toString(v); // NaN, Infinity: Double.parseDouble reads them back
    }
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
