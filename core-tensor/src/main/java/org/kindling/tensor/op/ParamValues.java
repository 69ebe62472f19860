package org.kindling.tensor.op;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of an operator's parameters after parsing one node's attributes: what the node set,
 * or the declared default.
 */
public final class ParamValues {
  private final Map<Param<?>, Object> values;

  private ParamValues(Map<Param<?>, Object> values) {
    this.values = values;
  }

  /**
   * Parses {@code attrs} against {@code declared}. Hidden keys ({@code __x__}) are skipped, as
   * dmlc's parser does; so are other unknown keys unless {@code rejectUnknown}.
   *
   * @throws IllegalArgumentException for an unknown key (if rejected), a missing required
   *     parameter, or a bad value; the message names the key
   */
  static ParamValues parse(List<Param<?>> declared, Map<String, String> attrs,
      boolean rejectUnknown) {
    Map<String, Param<?>> byName = new HashMap<>();
    for (Param<?> p : declared) {
      byName.put(p.name(), p);
    }
    Map<Param<?>, Object> values = new HashMap<>();
    for (Map.Entry<String, String> e : attrs.entrySet()) {
      String key = e.getKey();
      if (isHidden(key)) {
        continue;
      }
      Param<?> p = byName.get(key);
      if (p == null && !rejectUnknown) {
        continue;
      }
      if (p == null) {
        throw new IllegalArgumentException(
            "unknown parameter '" + key + "' (known: " + names(declared) + ")");
      }
      values.put(p, p.parse(e.getValue()));
    }
    for (Param<?> p : declared) {
      if (!values.containsKey(p)) {
        if (p.isRequired()) {
          throw new IllegalArgumentException(
              "required parameter '" + p.name() + "' (" + p.typeDescription() + ") is missing");
        }
        values.put(p, p.defaultValue());
      }
    }
    return new ParamValues(values);
  }

  /** True for MXNet's hidden attribute keys, {@code __name__}. */
  public static boolean isHidden(String key) {
    return key.length() > 4 && key.startsWith("__") && key.endsWith("__");
  }

  private static String names(List<Param<?>> declared) {
    if (declared.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    for (Param<?> p : declared) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(p.name());
    }
    return sb.toString();
  }

  /** The value of {@code p}. */
  @SuppressWarnings("unchecked")
  public <T> T get(Param<T> p) {
    if (!values.containsKey(p)) {
      throw new IllegalArgumentException("parameter " + p.name() + " was not declared");
    }
    return (T) values.get(p);
  }
}
