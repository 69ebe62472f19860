package org.kindling.tensor.op;

import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One operator parameter as MXNet declares it: its name, type, default (or required), and a
 * range check. Values are read from and written to MXNet's attribute strings
 * ({@link AttrSyntax}), so a parameter set round-trips through symbol JSON.
 *
 * @param <T> the Java value type
 */
public final class Param<T> {
  private final String name;
  private final String typeDescription;
  private final Function<String, T> parser;
  private final Function<T, String> formatter;
  private final T defaultValue;
  private final boolean required;
  private final Predicate<T> check;
  private final String checkDescription;
  /** True for MXNet's {@code dmlc::optional<T>}: the value may be None (null). */
  private final boolean nullable;

  private Param(
      String name,
      String typeDescription,
      Function<String, T> parser,
      Function<T, String> formatter,
      T defaultValue,
      boolean required,
      Predicate<T> check,
      String checkDescription,
      boolean nullable) {
    this.name = name;
    this.typeDescription = typeDescription;
    this.parser = parser;
    this.formatter = formatter;
    this.defaultValue = defaultValue;
    this.required = required;
    this.check = check;
    this.checkDescription = checkDescription;
    this.nullable = nullable;
  }

  /** A required integer parameter. */
  public static Param<Integer> requiredInt(String name) {
    return new Param<>(
        name, "int", AttrSyntax::parseInt, String::valueOf, null, true, v -> true, "", false);
  }

  /** An integer parameter with a default. */
  public static Param<Integer> intParam(String name, int defaultValue) {
    return new Param<>(
        name, "int", AttrSyntax::parseInt, String::valueOf, defaultValue, false, v -> true, "", false);
  }

  /** A 64-bit integer parameter with a default (MXNet's {@code int64_t}/{@code uint64_t}). */
  public static Param<Long> longParam(String name, long defaultValue) {
    return new Param<>(
        name, "long", AttrSyntax::parseLong, String::valueOf, defaultValue, false, v -> true, "", false);
  }

  /** A boolean parameter with a default. */
  public static Param<Boolean> boolParam(String name, boolean defaultValue) {
    return new Param<>(
        name, "boolean", AttrSyntax::parseBool, AttrSyntax::formatBool, defaultValue, false,
        v -> true, "", false);
  }

  /** A float parameter with a default. */
  public static Param<Float> floatParam(String name, float defaultValue) {
    return new Param<>(
        name, "float", AttrSyntax::parseFloat, AttrSyntax::formatFloat, defaultValue, false,
        v -> true, "", false);
  }

  /** A required float parameter. */
  public static Param<Float> requiredFloat(String name) {
    return new Param<>(
        name, "float", AttrSyntax::parseFloat, AttrSyntax::formatFloat, null, true, v -> true, "", false);
  }

  /** A double parameter with a default (MXNet's {@code double}, e.g. BatchNorm's eps). */
  public static Param<Double> doubleParam(String name, double defaultValue) {
    return new Param<>(
        name, "double", AttrSyntax::parseDouble, AttrSyntax::formatDouble, defaultValue, false,
        v -> true, "", false);
  }

  /** A required double parameter (the scalar of {@code _plus_scalar} and friends). */
  public static Param<Double> requiredDouble(String name) {
    return new Param<>(
        name, "double", AttrSyntax::parseDouble, AttrSyntax::formatDouble, null, true,
        v -> true, "", false);
  }

  /** An integer-tuple parameter (a shape or a Reshape target) with a default. */
  public static Param<int[]> tupleParam(String name, int[] defaultValue) {
    return new Param<>(
        name, "tuple of int", AttrSyntax::parseIntTuple, AttrSyntax::formatTuple,
        defaultValue.clone(), false, v -> true, "", false);
  }

  /** A required integer-tuple parameter, e.g. Convolution's {@code kernel}. */
  public static Param<int[]> requiredTuple(String name) {
    return new Param<>(
        name, "tuple of int", AttrSyntax::parseIntTuple, AttrSyntax::formatTuple, null, true,
        v -> true, "", false);
  }

  /** A string parameter with a default. */
  public static Param<String> stringParam(String name, String defaultValue) {
    return new Param<>(
        name, "string", s -> s, s -> s, defaultValue, false, v -> true, "", false);
  }

  /** A required enumeration parameter whose values are written by their MXNet names. */
  public static <E extends Enum<E> & MxEnum> Param<E> requiredEnum(String name, Class<E> type) {
    return new Param<>(
        name, enumDescription(type), s -> parseEnum(s, type), MxEnum::mxName, null, true,
        v -> true, "", false);
  }

  /** An enumeration parameter with a default. */
  public static <E extends Enum<E> & MxEnum> Param<E> enumParam(
      String name, Class<E> type, E defaultValue) {
    return new Param<>(
        name, enumDescription(type), s -> parseEnum(s, type), MxEnum::mxName, defaultValue, false,
        v -> true, "", false);
  }

  /**
   * This parameter as MXNet's {@code dmlc::optional<T>}: its default is {@code None} (null in
   * Java), written and read as the string {@code None}.
   */
  public Param<T> optional() {
    Function<String, T> p = parser;
    Function<T, String> f = formatter;
    return new Param<>(name, "None or " + typeDescription,
        s -> s.trim().equals("None") ? null : p.apply(s), v -> v == null ? "None" : f.apply(v),
        null, false, check, checkDescription, true);
  }

  /**
   * This parameter as a {@code dmlc::optional<T>} whose default is a value, not None (e.g.
   * Dropout's {@code cudnn_off}, default False): {@code None} still parses, to null.
   */
  public Param<T> optionalWithDefault() {
    Function<String, T> p = parser;
    Function<T, String> f = formatter;
    return new Param<>(name, "None or " + typeDescription,
        s -> s.trim().equals("None") ? null : p.apply(s), v -> v == null ? "None" : f.apply(v),
        defaultValue, false, check, checkDescription, true);
  }

  /**
   * This parameter as required (no default): for values MXNet requires even when the value may
   * be None, such as {@code slice}'s {@code begin} or {@code _npi_bernoulli}'s {@code prob}.
   */
  public Param<T> required() {
    return new Param<>(name, typeDescription, parser, formatter, null, true, check,
        checkDescription, nullable);
  }

  /** This parameter with an extra range check, described for error messages. */
  public Param<T> checked(Predicate<T> extraCheck, String description) {
    return new Param<>(
        name, typeDescription, parser, formatter, defaultValue, required, extraCheck, description,
        nullable);
  }

  private static <E extends Enum<E> & MxEnum> E parseEnum(String s, Class<E> type) {
    String t = s.trim();
    for (E e : type.getEnumConstants()) {
      if (e.mxName().equals(t)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "invalid value '" + s + "', valid values are " + enumDescription(type));
  }

  private static <E extends Enum<E> & MxEnum> String enumDescription(Class<E> type) {
    StringJoiner j = new StringJoiner(", ", "{", "}");
    for (E e : type.getEnumConstants()) {
      j.add("'" + e.mxName() + "'");
    }
    return j.toString();
  }

  /** MXNet's parameter name, e.g. {@code num_hidden}. */
  public String name() {
    return name;
  }

  /** True if the parameter has no default and must be given. */
  public boolean isRequired() {
    return required;
  }

  /** The default value; null for required parameters. */
  public T defaultValue() {
    return defaultValue;
  }

  /** A description of the accepted values, e.g. {@code int} or {@code {'relu', 'tanh'}}. */
  public String typeDescription() {
    return typeDescription;
  }

  /**
   * Parses and checks an attribute string.
   *
   * @throws IllegalArgumentException naming this parameter if the value is malformed or out of
   *     range
   */
  public T parse(String raw) {
    T v;
    try {
      v = parser.apply(raw);
      if (v == null && !nullable) {
        throw new IllegalArgumentException("None is not allowed");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "parameter " + name + " (" + typeDescription + "): " + e.getMessage(), e);
    }
    validate(v);
    return v;
  }

  /** Checks a value given from Java. */
  public void validate(T v) {
    if (v == null) {
      if (!nullable) {
        throw new IllegalArgumentException("parameter " + name + " must not be null");
      }
      return; // an optional parameter left at None
    }
    if (!check.test(v)) {
      throw new IllegalArgumentException(
          "parameter " + name + ": value " + format(v) + " is invalid; it must be "
              + checkDescription);
    }
  }

  /** The attribute string for a value. */
  public String format(T value) {
    return value == null ? "None" : formatter.apply(value);
  }

  /** True if {@code value} equals the default (arrays compared by content). */
  public boolean isDefault(T value) {
    if (required) {
      return false;
    }
    if (value instanceof int[] a && defaultValue instanceof int[] b) {
      return Arrays.equals(a, b);
    }
    return Objects.equals(value, defaultValue);
  }

  @Override
  public String toString() {
    return name + " : " + typeDescription + (required ? ", required" : ", default " + format(defaultValue));
  }
}
