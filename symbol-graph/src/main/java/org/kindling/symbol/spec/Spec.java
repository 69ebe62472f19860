package org.kindling.symbol.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.Param;

/**
 * A configuration as MXNet's registries ({@code mx.init.create}, {@code mx.metric.create}) take
 * it: a registered name and keyword arguments, e.g. {@code xavier} with {@code rnd_type=gaussian,
 * magnitude=2}.
 *
 * <p>Argument values are strings, numbers, booleans or null (Python's None), in the order given.
 * Text forms ({@link SpecParser}):
 *
 * <ul>
 *   <li>call form: {@code xavier}, {@code xavier(rnd_type=gaussian, factor_type=in,
 *       magnitude=2)}, {@code normal(sigma=0.01)} — {@link #toString()} writes it;
 *   <li>MXNet's {@code dumps()} JSON, which is also what MXNet writes into a variable's
 *       {@code __init__} attribute: {@code ["xavier", {"rnd_type": "gaussian", "magnitude": 2}]}
 *       — {@link #toJson()} writes it as Python's {@code json.dumps} does;
 *   <li>MXNet's keyword JSON: {@code {"initializer": "xavier", "magnitude": 2}}.
 * </ul>
 *
 * <p>A factory reads the arguments against its declared parameters with {@link #read}, which
 * rejects unknown keys and names the key of a bad value.
 *
 * <p>Specs are serializable (their values are), so a job's configuration can carry them to its
 * tasks.
 *
 * @param name the registered name as given (factories compare it in lower case, as MXNet does)
 * @param args keyword arguments in order; values are {@link String}, {@link Number}, {@link
 *     Boolean} or null
 */
public record Spec(String name, Map<String, Object> args) implements java.io.Serializable {
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_.+\\-]+");

  /**
   * @throws IllegalArgumentException for an empty name or a value of another type
   */
  public Spec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a spec needs a name");
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    args.forEach((k, v) -> {
      if (v != null && !(v instanceof String) && !(v instanceof Number)
          && !(v instanceof Boolean)) {
        throw new IllegalArgumentException(name + ": the value of '" + k + "' is a "
            + v.getClass().getSimpleName() + "; only strings, numbers, booleans and None are "
            + "supported");
      }
      copy.put(k, v);
    });
    args = Collections.unmodifiableMap(copy);
  }

  /**
   * A spec from alternating keys and values, e.g. {@code of("normal", "sigma", 0.01)}.
   *
   * @throws IllegalArgumentException if the keys and values do not pair up
   */
  public static Spec of(String name, Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must pair up");
    }
    Map<String, Object> args = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      args.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return new Spec(name, args);
  }

  /**
   * Parses any of the text forms.
   *
   * @param what what the spec configures, for messages and as the name key of the keyword JSON
   *     form, e.g. {@code initializer} or {@code metric}
   * @throws IllegalArgumentException naming the text and what is wrong
   */
  public static Spec parse(String text, String what) {
    return SpecParser.parse(text, what);
  }

  /**
   * Reads the arguments against declared parameters.
   *
   * @throws IllegalArgumentException for a key that is not declared, naming the declared keys
   */
  public SpecValues read(List<Param<?>> declared) {
    return new SpecValues(this, declared);
  }

  /**
   * MXNet's {@code dumps()} form, byte for byte as Python's {@code json.dumps} writes it for the
   * same values: {@code ["normal", {"sigma": 0.5}]}.
   */
  public String toJson() {
    StringJoiner body = new StringJoiner(", ", "{", "}");
    args.forEach((k, v) -> body.add(SpecParser.jsonString(k) + ": " + jsonValue(v)));
    return "[" + SpecParser.jsonString(name) + ", " + body + "]";
  }

  /** The call form, e.g. {@code normal(sigma=0.5)}, or the bare name without arguments. */
  @Override
  public String toString() {
    if (args.isEmpty()) {
      return name;
    }
    StringJoiner body = new StringJoiner(", ", name + "(", ")");
    args.forEach((k, v) -> body.add(k + "=" + callValue(v)));
    return body.toString();
  }

  /**
   * The value as a Python/dmlc attribute string, the form {@link Param#parse} reads: strings
   * as they are, {@code None}, {@code True}/{@code False}, numbers as Python prints them.
   */
  static String attrString(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return AttrSyntax.formatBool(b);
    }
    if (v instanceof Number n) {
      return numberText(n);
    }
    return (String) v;
  }

  private static String numberText(Number n) {
    if (n instanceof Double || n instanceof Float) {
      return AttrSyntax.formatDouble(n.doubleValue());
    }
    if (n instanceof BigDecimal d) {
      return d.toString();
    }
    if (n instanceof BigInteger || n instanceof Long || n instanceof Integer
        || n instanceof Short || n instanceof Byte) {
      return n.toString();
    }
    return AttrSyntax.formatDouble(n.doubleValue());
  }

  private static String jsonValue(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (v instanceof Number n) {
      // Python's json.dumps writes NaN and Infinity bare, as Python's json.loads reads them
      double d = n.doubleValue();
      if (Double.isNaN(d)) {
        return "NaN";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? "Infinity" : "-Infinity";
      }
      return numberText(n);
    }
    return SpecParser.jsonString((String) v);
  }

  private static String callValue(Object v) {
    String s = attrString(v);
    if (!(v instanceof String) || BARE.matcher(s).matches()) {
      return s;
    }
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
