package org.kindling.symbol.optimizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a one-line optimizer spec ({@code name key=value ...}) with typed getters: each getter
 * marks its key as read, and {@link #requireUsed} rejects the keys nobody read. Every error
 * quotes the spec and names the key.
 */
final class SpecReader {
  private final String spec;
  private final String name;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> used = new HashSet<>();

  private SpecReader(String spec) {
    this.spec = spec;
    OptimizerSpec parsed = OptimizerSpec.parse(spec);
    this.name = parsed.name();
    values.putAll(parsed.params());
  }

  /**
   * Splits a spec into its name and pairs.
   *
   * @throws IllegalArgumentException for an empty spec, a token that is not {@code key=value}, or
   *     a repeated key
   */
  static SpecReader parse(String spec) {
    return new SpecReader(spec);
  }

  /** The optimizer's name, in lower case. */
  String name() {
    return name;
  }

  /** The keys, in the spec's order. */
  List<String> keys() {
    return new ArrayList<>(values.keySet());
  }

  /** True if the spec gives {@code key}. */
  boolean has(String key) {
    return values.containsKey(key);
  }

  /** An error about {@code key}'s value, quoting the spec. */
  IllegalArgumentException error(String key, String message) {
    return new IllegalArgumentException(
        "optimizer spec '" + spec + "': parameter " + key + " " + message);
  }

  private String raw(String key) {
    used.add(key);
    return values.get(key);
  }

  /** A number, or {@code otherwise} if absent. */
  double number(String key, double otherwise) {
    Double v = optionalNumber(key);
    return v == null ? otherwise : v;
  }

  /** A number, or null if absent. */
  Double optionalNumber(String key) {
    String s = raw(key);
    if (s == null) {
      return null;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw error(key, "has a non-numeric value '" + s + "'");
    }
  }

  /** A whole number, or {@code otherwise} (may be null) if absent. */
  Integer integer(String key, Integer otherwise) {
    String s = raw(key);
    if (s == null) {
      return otherwise;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw error(key, "has a value '" + s + "' that is not a whole number");
    }
  }

  /** A comma-separated list of whole numbers, or null if absent. */
  int[] integers(String key) {
    String s = raw(key);
    if (s == null) {
      return null;
    }
    String[] parts = s.split(",", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw error(key, "has a value '" + s + "' that is not a comma-separated list of whole "
            + "numbers");
      }
    }
    return out;
  }

  /** {@code true}/{@code false} (or 1/0), or {@code otherwise} if absent. */
  boolean bool(String key, boolean otherwise) {
    String s = raw(key);
    if (s == null) {
      return otherwise;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw error(key, "has a value '" + s + "' that is not true or false");
    };
  }

  /** A word, or {@code otherwise} if absent. */
  String word(String key, String otherwise) {
    String s = raw(key);
    return s == null ? otherwise : s;
  }

  /** The keys starting with {@code prefix}, marked as read. */
  List<String> withPrefix(String prefix) {
    List<String> out = new ArrayList<>();
    for (String k : values.keySet()) {
      if (k.startsWith(prefix)) {
        used.add(k);
        out.add(k);
      }
    }
    return out;
  }

  /**
   * Rejects any unread key starting with {@code prefix} (all keys for an empty prefix).
   *
   * @param what what the keys belong to, e.g. {@code adam}
   * @param known the keys {@code what} reads, for the message
   */
  void requireUsed(String prefix, String what, List<String> known) {
    for (String k : values.keySet()) {
      if (k.startsWith(prefix) && !used.contains(k)) {
        throw new IllegalArgumentException("optimizer spec '" + spec + "': unknown " + what
            + " parameter '" + k + "' (known: " + String.join(", ", known) + ")");
      }
    }
  }
}
