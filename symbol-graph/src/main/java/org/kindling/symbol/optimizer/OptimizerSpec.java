package org.kindling.symbol.optimizer;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * An optimizer as a value: its name and its parameters by MXNet's names, the way MXNet's {@code
 * Module.init_optimizer(optimizer='adam', optimizer_params={...})} takes it, and the text of
 * {@link Optimizers#fromSpec} ({@code adam learning_rate=0.001 beta1=0.9}). A spec is what a
 * training job carries to its tasks and a {@code Module} completes ({@code rescale_grad} from the
 * batch size, {@code lr_mult}/{@code wd_mult} from the symbol) before it {@link #create}s the
 * optimizer; it holds no state and is serializable.
 *
 * <p>Values are kept as text and typed by the optimizer that reads them, which names a bad one.
 */
public final class OptimizerSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final LinkedHashMap<String, String> params;

  private OptimizerSpec(String name, Map<String, String> params) {
    this.name = name;
    this.params = new LinkedHashMap<>(params);
  }

  /**
   * A spec from a name and parameters (in order).
   *
   * @throws IllegalArgumentException for an empty name, or a key or value that is empty or holds
   *     white space or {@code =} (the text form could not carry it)
   */
  public static OptimizerSpec of(String name, Map<String, String> params) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.matches(".*[\\s=].*")) {
      throw new IllegalArgumentException("optimizer name '" + name + "' must be one word");
    }
    params.forEach((k, v) -> checkPair(name, k, v));
    return new OptimizerSpec(name.toLowerCase(Locale.ROOT), params);
  }

  /** A spec without parameters, e.g. {@code of("sgd")}. */
  public static OptimizerSpec of(String name) {
    return of(name, Map.of());
  }

  /**
   * Reads the text form {@code name key=value ...}.
   *
   * @throws IllegalArgumentException for an empty spec, a token that is not {@code key=value}, or
   *     a repeated key, quoting the spec
   */
  public static OptimizerSpec parse(String spec) {
    String[] tokens = spec.trim().split("\\s+");
    if (tokens.length == 0 || tokens[0].isEmpty()) {
      throw new IllegalArgumentException("empty optimizer spec");
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 1; i < tokens.length; i++) {
      String t = tokens[i];
      int eq = t.indexOf('=');
      if (eq <= 0 || eq == t.length() - 1) {
        throw new IllegalArgumentException(
            "optimizer spec '" + spec + "': expected key=value but got '" + t + "'");
      }
      String key = t.substring(0, eq);
      if (params.put(key, t.substring(eq + 1)) != null) {
        throw new IllegalArgumentException(
            "optimizer spec '" + spec + "': parameter " + key + " is given twice");
      }
    }
    return of(tokens[0], params);
  }

  private static void checkPair(String name, String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value of " + key);
    if (key.isEmpty() || value.isEmpty() || key.matches(".*[\\s=].*")
        || value.matches(".*\\s.*")) {
      throw new IllegalArgumentException(name + ": parameter '" + key + "=" + value
          + "' needs a non-empty key without spaces or '=' and a non-empty value without spaces");
    }
  }

  /** The optimizer's name in lower case ({@code sgd}, {@code adam}, ...). */
  public String name() {
    return name;
  }

  /** The parameters in order, by MXNet's names. */
  public Map<String, String> params() {
    return Collections.unmodifiableMap(params);
  }

  /** True if the spec sets {@code key}. */
  public boolean has(String key) {
    return params.containsKey(key);
  }

  /** The value of {@code key}, or null. */
  public String get(String key) {
    return params.get(key);
  }

  /** This spec with {@code key} set to {@code value} (replacing a value it had). */
  public OptimizerSpec with(String key, String value) {
    checkPair(name, key, value);
    Map<String, String> p = new LinkedHashMap<>(params);
    p.put(key, value);
    return new OptimizerSpec(name, p);
  }

  /** This spec with {@code key} set to {@code value} unless it sets {@code key} already. */
  public OptimizerSpec withDefault(String key, String value) {
    return has(key) ? this : with(key, value);
  }

  /**
   * A new optimizer of this spec.
   *
   * @throws IllegalArgumentException naming the unknown optimizer or the bad parameter
   */
  public BaseOptimizer create() {
    return (BaseOptimizer) Optimizers.fromSpec(toString());
  }

  /** The text form, {@code name key=value ...}. */
  @Override
  public String toString() {
    StringJoiner s = new StringJoiner(" ");
    s.add(name);
    params.forEach((k, v) -> s.add(k + "=" + v));
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OptimizerSpec other && name.equals(other.name)
        && params.equals(other.params);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, params);
  }
}
