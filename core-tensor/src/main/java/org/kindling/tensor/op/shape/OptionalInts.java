package org.kindling.tensor.op.shape;

import java.util.ArrayList;
import java.util.List;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.Param;

/**
 * MXNet's {@code Tuple<optional<int>>} and required {@code optional<int>} parameters (slice's
 * {@code begin}/{@code end}/{@code step}, slice_axis's {@code end}), whose attribute strings
 * mix integers and {@code None}: {@code (None, 2)}, {@code (1,)}, {@code ()}, {@code None}.
 *
 * <p>{@link AttrSyntax#parseIntTuple} rejects {@code None} and {@link Param}'s factories cannot
 * take another parser (its constructor is private), so these parameters are declared as string
 * parameters whose check accepts only this syntax; the operators' parameter records keep the
 * canonical string (what Python's {@code str()} writes) and decode it with {@link #tuple}. A
 * required parameter is declared with a null default, and the record's constructor rejects a
 * null, so a missing value is still an error naming the parameter, while {@code None} (a
 * value) is written back to the attributes as MXNet requires.
 */
final class OptionalInts {
  private OptionalInts() {}

  /** A required {@code Tuple<optional<int>>}. */
  static Param<String> requiredTuple(String name) {
    return Param.stringParam(name, null)
        .checked(OptionalInts::isTuple, "a tuple of integers or None, e.g. (None, 2)")
        .required();
  }

  /** A {@code Tuple<optional<int>>} defaulting to the empty tuple {@code ()}. */
  static Param<String> tupleOrEmpty(String name) {
    return Param.stringParam(name, "()")
        .checked(OptionalInts::isTuple, "a tuple of integers or None, e.g. (None, -1)");
  }

  /** A required {@code optional<int>}: an integer or {@code None}. */
  static Param<String> requiredOptionalInt(String name) {
    return Param.stringParam(name, null)
        .checked(OptionalInts::isOptionalInt, "an integer or None").required();
  }

  /**
   * The canonical string of a required tuple value.
   *
   * @throws IllegalArgumentException naming {@code name} if it is missing or malformed
   */
  static String requireTuple(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("required parameter '" + name
          + "' (tuple of int or None) is missing");
    }
    return format(tuple(name, value));
  }

  /**
   * The canonical string of a required optional integer ({@code None} or the integer).
   *
   * @throws IllegalArgumentException naming {@code name} if it is missing or malformed
   */
  static String requireOptionalInt(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("required parameter '" + name
          + "' (int or None) is missing");
    }
    Integer v = optionalInt(name, value);
    return v == null ? "None" : v.toString();
  }

  /** Decodes {@code None} or an integer. */
  static Integer optionalInt(String name, String s) {
    String t = s.trim();
    if (t.equals("None")) {
      return null;
    }
    try {
      return AttrSyntax.parseInt(stripLong(t));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes a tuple such as {@code (None, 2)}, {@code [1, None]}, {@code (3,)}, {@code ()} or a
   * bare {@code 3}/{@code None}; None entries are null.
   *
   * @throws IllegalArgumentException naming {@code name} for malformed text
   */
  static Integer[] tuple(String name, String s) {
    String t = s.trim();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("parameter " + name + ": expected a tuple such as "
          + "(None, 2) but got ''");
    }
    char open = t.charAt(0);
    if (open != '(' && open != '[') {
      return new Integer[] {optionalInt(name, t)};
    }
    char close = open == '(' ? ')' : ']';
    if (t.charAt(t.length() - 1) != close) {
      throw new IllegalArgumentException("parameter " + name + ": tuple '" + s
          + "' does not end with '" + close + "'");
    }
    String body = t.substring(1, t.length() - 1).trim();
    List<Integer> out = new ArrayList<>();
    if (!body.isEmpty()) {
      String[] parts = body.split(",", -1);
      for (int i = 0; i < parts.length; i++) {
        String p = parts[i].trim();
        if (p.isEmpty() && i == parts.length - 1 && i > 0) {
          break; // trailing comma, as in (2,)
        }
        out.add(optionalInt(name, p));
      }
    }
    return out.toArray(new Integer[0]);
  }

  /** Python's {@code str(tuple)}: {@code (None, 2)}, {@code (1,)}, {@code ()}. */
  static String format(Integer[] v) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(v[i] == null ? "None" : v[i].toString());
    }
    return sb.append(v.length == 1 ? ",)" : ")").toString();
  }

  private static boolean isTuple(String s) {
    try {
      tuple("", s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isOptionalInt(String s) {
    try {
      optionalInt("", s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String stripLong(String p) {
    return p.endsWith("L") || p.endsWith("l") ? p.substring(0, p.length() - 1) : p;
  }
}
