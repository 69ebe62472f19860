package org.kindling.tensor.io;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C {@code printf}'s {@code %.Ng} conversion, which Java's {@code %g} does not reproduce (Java
 * never switches to the shortest form, keeps trailing zeros and prints {@code 1.0e-10} style
 * exponents). Output matches glibc byte for byte, so tools can print numbers exactly as MXNet's
 * C++ and Python tools do.
 */
public final class CFormat {
  private CFormat() {}

  /**
   * {@code printf("%.<precision>g", value)}: rounds to {@code precision} significant digits
   * (half-even on the exact binary value, as glibc does); uses {@code %e} style when the
   * decimal exponent X is below -4 or at least the precision, otherwise {@code %f} style;
   * removes trailing zeros and a trailing decimal point; the exponent has a sign and at least
   * two digits. Infinities print as {@code inf}/{@code -inf}, NaN as {@code nan} or
   * {@code -nan} by its sign bit, negative zero as {@code -0}.
   *
   * @param precision significant digits; 0 is treated as 1, as in C
   * @throws IllegalArgumentException if {@code precision < 0}
   */
  public static String g(double value, int precision) {
    if (precision < 0) {
      throw new IllegalArgumentException("negative precision " + precision);
    }
    int p = Math.max(precision, 1);
    boolean negative = (Double.doubleToRawLongBits(value) & Long.MIN_VALUE) != 0;
    if (Double.isNaN(value)) {
      return negative ? "-nan" : "nan";
    }
    if (Double.isInfinite(value)) {
      return negative ? "-inf" : "inf";
    }
    if (value == 0) {
      return negative ? "-0" : "0";
    }
    BigDecimal rounded = new BigDecimal(value).round(new MathContext(p, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1; // X: the %e exponent
    String body;
    if (exponent < -4 || exponent >= p) {
      body = exponential(rounded.abs(), exponent, p);
    } else {
      // %f with p-1-X decimals; the value already has at most p significant digits
      body = stripZeros(rounded.abs().setScale(p - 1 - exponent, RoundingMode.UNNECESSARY)
          .toPlainString());
    }
    return negative ? "-" + body : body;
  }

  private static String exponential(BigDecimal abs, int exponent, int p) {
    String digits = abs.unscaledValue().toString(); // at most p digits
    StringBuilder mantissa = new StringBuilder().append(digits.charAt(0));
    if (p > 1) {
      mantissa.append('.').append(digits, 1, digits.length());
      while (mantissa.length() < p + 1) {
        mantissa.append('0');
      }
    }
    String m = stripZeros(mantissa.toString());
    int e = Math.abs(exponent);
    return m + (exponent < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + e;
  }

  /** Drops trailing zeros after a decimal point, then the point itself if nothing follows. */
  private static String stripZeros(String s) {
    if (s.indexOf('.') < 0) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }
}
