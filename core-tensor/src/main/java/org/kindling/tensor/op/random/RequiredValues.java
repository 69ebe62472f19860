package org.kindling.tensor.op.random;

import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.Param;

/**
 * Required parameters that {@link Param}'s factories cannot declare: a required
 * {@code dmlc::optional<float>} (a value that must be given but may be {@code None}) and a
 * required bool. They are string parameters with a null default whose check accepts only the
 * right syntax; the parameter record's constructor rejects a null (missing) value and keeps the
 * canonical string, so that {@code None} and {@code False} are written back to the attributes,
 * as MXNet's parser requires them.
 */
final class RequiredValues {
  private RequiredValues() {}

  /** A required {@code optional<float>}. */
  static Param<String> optionalFloat(String name) {
    return Param.stringParam(name, null).checked(RequiredValues::isOptionalFloat,
        "a number or None").required();
  }

  /** A required bool. */
  static Param<String> bool(String name) {
    return Param.stringParam(name, null).checked(RequiredValues::isBool,
        "a boolean (True/False/1/0)").required();
  }

  /**
   * The canonical string ({@code None} or Python's {@code str(float)}) of a required optional
   * float.
   *
   * @throws IllegalArgumentException naming {@code name} if it is missing or malformed
   */
  static String requireOptionalFloat(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("required parameter '" + name
          + "' (float or None) is missing");
    }
    Float f = optionalFloat(name, value);
    return f == null ? "None" : AttrSyntax.formatFloat(f);
  }

  /** The canonical string ({@code True}/{@code False}) of a required bool. */
  static String requireBool(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("required parameter '" + name + "' (bool) is missing");
    }
    try {
      return AttrSyntax.formatBool(AttrSyntax.parseBool(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter " + name + ": " + e.getMessage(), e);
    }
  }

  /** Decodes {@code None} (null) or a float. */
  static Float optionalFloat(String name, String value) {
    String t = value.trim();
    if (t.equals("None")) {
      return null;
    }
    try {
      return AttrSyntax.parseFloat(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter " + name + ": " + e.getMessage(), e);
    }
  }

  private static boolean isOptionalFloat(String s) {
    try {
      optionalFloat("", s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isBool(String s) {
    try {
      AttrSyntax.parseBool(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
