package org.kindling.symbol.optimizer;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds optimizers from their one-line text {@link Optimizer#spec() spec}, e.g.
 * {@code sgd learning_rate=0.1 momentum=0.9 wd=0.0001 rescale_grad=0.0078125 clip_gradient=-1}:
 * the optimizer name, then {@code key=value} pairs with MXNet's parameter names. A distributed
 * store ships this text to its server instead of serialized objects.
 */
public final class Optimizers {
  private Optimizers() {}

  /**
   * Parses a spec.
   *
   * @throws IllegalArgumentException naming the unknown optimizer, unknown or repeated
   *     parameter, or malformed value
   */
  public static Optimizer fromSpec(String spec) {
    String[] tokens = spec.trim().split("\\s+");
    if (tokens.length == 0 || tokens[0].isEmpty()) {
      throw new IllegalArgumentException("empty optimizer spec");
    }
    String name = tokens[0].toLowerCase(Locale.ROOT);
    Map<String, Float> params = new LinkedHashMap<>();
    for (int i = 1; i < tokens.length; i++) {
      String t = tokens[i];
      int eq = t.indexOf('=');
      if (eq <= 0 || eq == t.length() - 1) {
        throw new IllegalArgumentException(
            "optimizer spec '" + spec + "': expected key=value but got '" + t + "'");
      }
      String key = t.substring(0, eq);
      float value;
      try {
        value = Float.parseFloat(t.substring(eq + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "optimizer spec '" + spec + "': parameter " + key + " has a non-numeric value '"
                + t.substring(eq + 1) + "'", e);
      }
      if (params.put(key, value) != null) {
        throw new IllegalArgumentException(
            "optimizer spec '" + spec + "': parameter " + key + " is given twice");
      }
    }
    switch (name) {
      case "sgd":
        return sgd(params);
      default:
        throw new IllegalArgumentException(
            "unknown optimizer '" + tokens[0] + "' (supported: sgd)");
    }
  }

  private static SGD sgd(Map<String, Float> params) {
    SGD.Builder b = SGD.builder();
    for (Map.Entry<String, Float> p : params.entrySet()) {
      float v = p.getValue();
      switch (p.getKey()) {
        case "learning_rate", "lr" -> b.learningRate(v);
        case "momentum" -> b.momentum(v);
        case "wd" -> b.wd(v);
        case "rescale_grad" -> b.rescaleGrad(v);
        case "clip_gradient" -> b.clipGradient(v);
        default -> throw new IllegalArgumentException(
            "unknown sgd parameter '" + p.getKey()
                + "' (known: learning_rate, momentum, wd, rescale_grad, clip_gradient)");
      }
    }
    return b.build();
  }

  /** The shortest decimal that reads back as the same float, without exponent: 0.0001, -1. */
  static String formatNumber(float v) {
    if (v == 0f) {
      return "0";
    }
    return new BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
  }
}
