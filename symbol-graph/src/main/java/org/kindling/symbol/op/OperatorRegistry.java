package org.kindling.symbol.op;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves operator names and aliases read from files (symbol JSON) to the operator singletons.
 * Code that builds graphs uses the typed handles in {@link Operators} instead.
 */
public final class OperatorRegistry {
  private static final Map<String, Operator<?>> BY_NAME = build();

  private OperatorRegistry() {}

  private static Map<String, Operator<?>> build() {
    Map<String, Operator<?>> m = new LinkedHashMap<>();
    for (Operator<?> op : Operators.all()) {
      register(m, op.name(), op);
      for (String alias : op.aliases()) {
        register(m, alias, op);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  private static void register(Map<String, Operator<?>> m, String name, Operator<?> op) {
    Operator<?> prev = m.putIfAbsent(name, op);
    if (prev != null) {
      throw new IllegalStateException(
          "operator name '" + name + "' is registered by both " + prev + " and " + op);
    }
  }

  /** The operator registered under {@code nameOrAlias}, if any. */
  public static Optional<Operator<?>> find(String nameOrAlias) {
    return Optional.ofNullable(BY_NAME.get(nameOrAlias));
  }

  /** All registered names, canonical and aliases, in registration order. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }
}
