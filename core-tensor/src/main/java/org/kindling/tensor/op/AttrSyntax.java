package org.kindling.tensor.op;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.kindling.tensor.Shape;

/**
 * MXNet's attribute value syntax (formats.md §4.3): the strings Python's {@code str()} writes
 * and dmlc's parameter parser reads. Parsers throw {@link IllegalArgumentException} with the
 * offending text; callers add the node and parameter name.
 */
public final class AttrSyntax {
  private static final Pattern INT = Pattern.compile("[+-]?\\d+");
  private static final Pattern FLOAT =
      Pattern.compile(
          "[+-]?((\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|inf|infinity|nan)",
          Pattern.CASE_INSENSITIVE);

  private AttrSyntax() {}

  /** Parses {@code True/False/true/false/1/0} (any case), as dmlc does. */
  public static boolean parseBool(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("true") || t.equals("1")) {
      return true;
    }
    if (t.equals("false") || t.equals("0")) {
      return false;
    }
    throw new IllegalArgumentException("expected a boolean (True/False/1/0) but got '" + s + "'");
  }

  /** Parses a decimal integer (no fraction, no trailing text). */
  public static int parseInt(String s) {
    String t = s.trim();
    if (!INT.matcher(t).matches()) {
      throw new IllegalArgumentException("expected an integer but got '" + s + "'");
    }
    try {
      return Integer.parseInt(t.startsWith("+") ? t.substring(1) : t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("integer '" + s + "' is out of range", e);
    }
  }

  /** Parses a decimal 64-bit integer. */
  public static long parseLong(String s) {
    String t = s.trim();
    if (t.endsWith("L") || t.endsWith("l")) {
      t = t.substring(0, t.length() - 1);
    }
    if (!INT.matcher(t).matches()) {
      throw new IllegalArgumentException("expected an integer but got '" + s + "'");
    }
    try {
      return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("integer '" + s + "' is out of range", e);
    }
  }

  /** Parses a decimal double; same syntax as {@link #parseFloat}. */
  public static double parseDouble(String s) {
    String t = s.trim();
    if (!FLOAT.matcher(t).matches()) {
      throw new IllegalArgumentException("expected a number but got '" + s + "'");
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.endsWith("nan")) {
      return Double.NaN;
    }
    if (lower.endsWith("inf") || lower.endsWith("infinity")) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return Double.parseDouble(t);
  }

  /** Parses a decimal float such as {@code 1e-05}, {@code 0.9}, {@code -1}, {@code inf}. */
  public static float parseFloat(String s) {
    String t = s.trim();
    if (!FLOAT.matcher(t).matches()) {
      throw new IllegalArgumentException("expected a number but got '" + s + "'");
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.endsWith("nan")) {
      return Float.NaN;
    }
    if (lower.endsWith("inf") || lower.endsWith("infinity")) {
      return lower.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    }
    return Float.parseFloat(t);
  }

  /**
   * Parses an integer tuple: {@code (3, 3)}, {@code (2,)}, {@code ()}, {@code [3,3]}, a bare
   * {@code 3}, and Python 2 long suffixes ({@code (2L, 3L)}).
   */
  public static int[] parseIntTuple(String s) {
    String t = s.trim();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("expected a tuple such as (2, 3) but got ''");
    }
    char open = t.charAt(0);
    if (open != '(' && open != '[') {
      return new int[] {parseInt(stripLong(t))};
    }
    char close = open == '(' ? ')' : ']';
    if (t.charAt(t.length() - 1) != close) {
      throw new IllegalArgumentException("tuple '" + s + "' does not end with '" + close + "'");
    }
    String body = t.substring(1, t.length() - 1).trim();
    List<Integer> dims = new ArrayList<>();
    if (!body.isEmpty()) {
      String[] parts = body.split(",", -1);
      for (int i = 0; i < parts.length; i++) {
        String p = parts[i].trim();
        if (p.isEmpty() && i == parts.length - 1 && i > 0) {
          break; // trailing comma, as in (2,)
        }
        try {
          dims.add(parseInt(stripLong(p)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "tuple '" + s + "' has a bad element '" + p + "'", e);
        }
      }
    }
    int[] out = new int[dims.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = dims.get(i);
    }
    return out;
  }

  private static String stripLong(String p) {
    return p.endsWith("L") || p.endsWith("l") ? p.substring(0, p.length() - 1) : p;
  }

  /** Python's {@code str(bool)}: {@code True} or {@code False}. */
  public static String formatBool(boolean b) {
    return b ? "True" : "False";
  }

  /** Python's {@code str(tuple)}: {@code (3, 3)}, {@code (2,)}, {@code ()}, {@code (0, -1)}. */
  public static String formatTuple(int[] dims) {
    return Shape.tupleString(dims);
  }

  /**
   * Python's {@code str(float)} for the shortest decimal of a float: {@code 1.0}, {@code 0.5},
   * {@code 0.0001}, {@code 1e-05}, {@code -1.0}, {@code inf}.
   */
  public static String formatFloat(float f) {
    if (Float.isNaN(f) || Float.isInfinite(f) || f == 0f) {
      return formatDouble(f);
    }
    return formatDecimal(new BigDecimal(Float.toString(f)));
  }

  /** Python's {@code str(float)} for a double: the shortest decimal that reads back exactly. */
  public static String formatDouble(double f) {
    if (Double.isNaN(f)) {
      return "nan";
    }
    if (Double.isInfinite(f)) {
      return f > 0 ? "inf" : "-inf";
    }
    if (f == 0d) {
      return (1 / f < 0) ? "-0.0" : "0.0";
    }
    return formatDecimal(new BigDecimal(Double.toString(f)));
  }

  private static String formatDecimal(BigDecimal exact) {
    BigDecimal d = exact.stripTrailingZeros();
    String digits = d.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - d.scale();
    String sign = d.signum() < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String exp = String.format(Locale.ROOT, "%02d", Math.abs(exponent));
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }
    String plain = d.abs().toPlainString();
    return sign + (plain.contains(".") ? plain : plain + ".0");
  }
}
