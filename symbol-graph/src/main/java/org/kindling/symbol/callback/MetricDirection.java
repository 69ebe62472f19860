package org.kindling.symbol.callback;

import java.util.Locale;
import java.util.Set;

/** Whether a larger value of a metric means a better model, judged from MXNet's metric names. */
final class MetricDirection {
  private static final Set<String> HIGHER_EXACT = Set.of("mcc", "pearsonr", "pcc");

  private MetricDirection() {}

  /**
   * True for accuracy-like metrics (names containing {@code acc}, {@code f1} or {@code auc}, and
   * MXNet's {@code mcc}, {@code pearsonr}, {@code pcc}); false for losses and errors ({@code
   * loss}, {@code cross-entropy}, {@code nll-loss}, {@code perplexity}, {@code mae}, {@code
   * mse}, {@code rmse}, and any other name).
   */
  static boolean higherIsBetter(String metricName) {
    String n = metricName.toLowerCase(Locale.ROOT);
    return n.contains("acc") || n.contains("f1") || n.contains("auc") || HIGHER_EXACT.contains(n);
  }
}
