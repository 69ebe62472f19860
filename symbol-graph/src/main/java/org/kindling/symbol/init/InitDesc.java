package org.kindling.symbol.init;

import java.util.Map;

/**
 * What an initializer knows of a parameter, as MXNet's {@code InitDesc}: its name and its
 * variable's attributes (from {@code Symbol.attr_dict()} in MXNet). The attribute {@code
 * __init__}, an initializer spec such as {@code ["zero", {}]}, overrides the name rules.
 *
 * @param name the parameter name, e.g. {@code fc1_weight}
 * @param attrs the variable's attributes (may be empty)
 */
public record InitDesc(String name, Map<String, String> attrs) {
  /** The attribute holding a per-variable initializer spec. */
  public static final String INIT_ATTR = "__init__";

  /** Copies the attributes. */
  public InitDesc {
    attrs = Map.copyOf(attrs);
  }

  /** A descriptor without attributes. */
  public static InitDesc of(String name) {
    return new InitDesc(name, Map.of());
  }

  /** The {@code __init__} spec, or null if the variable has none (or an empty one). */
  public String initSpec() {
    String s = attrs.get(INIT_ATTR);
    return s == null || s.isEmpty() ? null : s;
  }
}
