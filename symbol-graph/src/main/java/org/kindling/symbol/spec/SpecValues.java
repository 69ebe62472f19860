package org.kindling.symbol.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.kindling.tensor.op.Param;

/**
 * The arguments of a {@link Spec} read against declared parameters: typed values, or the
 * declared defaults. Every error names the spec and the key.
 */
public final class SpecValues {
  private final Spec spec;
  private final Map<String, Param<?>> declared = new LinkedHashMap<>();

  SpecValues(Spec spec, List<Param<?>> params) {
    this.spec = spec;
    for (Param<?> p : params) {
      declared.put(p.name(), p);
    }
    for (String key : spec.args().keySet()) {
      if (!declared.containsKey(key)) {
        throw new IllegalArgumentException(
            spec.name() + ": unknown key '" + key + "' (keys: " + keys() + ")");
      }
    }
  }

  /**
   * The value of {@code p}: the spec's, parsed and checked, or the default.
   *
   * @throws IllegalArgumentException naming the key for a bad value or a missing required key
   */
  public <T> T get(Param<T> p) {
    if (declared.get(p.name()) != p) {
      throw new IllegalArgumentException(
          spec.name() + ": parameter '" + p.name() + "' was not declared");
    }
    if (!spec.args().containsKey(p.name())) {
      if (p.isRequired()) {
        throw new IllegalArgumentException(spec.name() + ": required key '" + p.name() + "' ("
            + p.typeDescription() + ") is missing");
      }
      return p.defaultValue();
    }
    try {
      return p.parse(Spec.attrString(spec.args().get(p.name())));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(spec.name() + ": " + e.getMessage(), e);
    }
  }

  private String keys() {
    if (declared.isEmpty()) {
      return "none";
    }
    StringJoiner j = new StringJoiner(", ");
    declared.keySet().forEach(j::add);
    return j.toString();
  }
}
