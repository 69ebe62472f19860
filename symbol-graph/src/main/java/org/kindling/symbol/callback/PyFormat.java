package org.kindling.symbol.callback;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Python's {@code %.Nf}, so that log lines read exactly as MXNet's. */
final class PyFormat {
  private PyFormat() {}

  /**
   * {@code value} with {@code decimals} digits after the point, as Python's {@code '%.Nf' %
   * value}: the exact binary value rounded half-even, {@code nan}, {@code inf}, {@code -inf}, and
   * a sign kept on negative values that round to zero.
   */
  static String fixed(double value, int decimals) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    String s = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    boolean negative = value < 0 || (value == 0 && 1 / value < 0);
    return negative && !s.startsWith("-") ? "-" + s : s;
  }
}
