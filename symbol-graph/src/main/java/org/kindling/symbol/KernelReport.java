package org.kindling.symbol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.OpRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which kernel each layer of a bound graph got ({@link Executor#kernels()}), summarized per
 * operator that has an accelerated backend, e.g. {@code Convolution: 19 oneDNN
 * brg_conv_fwd:avx512_core, 1 Winograd F(6x6,3x3), 0 default}. An executor logs its summary at
 * info level when it is bound, each distinct summary once per JVM (a Spark job binds the same
 * graph in every task).
 */
public final class KernelReport {
  private static final Logger LOG = LoggerFactory.getLogger(KernelReport.class);
  /** Summaries logged so far; few per JVM, as they name no shapes. */
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  /**
   * One node's kernel.
   *
   * @param node the node's name
   * @param op the operator's canonical name
   * @param implementation {@link Kernel#implementation()}
   */
  public record Choice(String node, String op, String implementation) {
    /** True if {@code op} has kernels of more than one backend (oneDNN, Winograd, ...). */
    public boolean accelerable() {
      return OpRegistry.factories(OpRegistry.get(op)).size() > 1;
    }
  }

  private KernelReport() {}

  /**
   * The summary of {@code choices}: per operator with an accelerated backend, in name order,
   * how many of its nodes got each implementation, the default kernels' count always shown; or
   * {@code "no accelerated operators"}.
   */
  public static String summary(List<Choice> choices) {
    Map<String, Map<String, Integer>> byOp = new TreeMap<>();
    for (Choice c : choices) {
      if (c.accelerable()) {
        byOp.computeIfAbsent(c.op(), k -> new LinkedHashMap<>())
            .merge(c.implementation(), 1, Integer::sum);
      }
    }
    if (byOp.isEmpty()) {
      return "no accelerated operators";
    }
    StringJoiner s = new StringJoiner("; ");
    byOp.forEach((op, counts) -> {
      StringJoiner parts = new StringJoiner(", ", op + ": ", "");
      List<String> names = new ArrayList<>(counts.keySet());
      names.remove(Kernel.DEFAULT_IMPLEMENTATION);
      names.sort(null);
      names.forEach(n -> parts.add(counts.get(n) + " " + n));
      parts.add(counts.getOrDefault(Kernel.DEFAULT_IMPLEMENTATION, 0) + " "
          + Kernel.DEFAULT_IMPLEMENTATION);
      s.add(parts.toString());
    });
    return s.toString();
  }

  /** Logs {@link #summary} at info level, unless this JVM logged it already. */
  static void log(List<Choice> choices) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String line = "kernels: " + summary(choices);
    if (LOGGED.add(line)) {
      LOG.info(line);
    }
  }
}
