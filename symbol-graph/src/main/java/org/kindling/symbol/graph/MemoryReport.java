package org.kindling.symbol.graph;

import java.util.List;
import java.util.Locale;

/**
 * The planner's four figures for one bound graph, in bytes of operator outputs and internal
 * gradients (the arrays given at bind time, such as parameters and their gradients, and the
 * kernels' one shared workspace are not counted): see {@link MemoryPlanner#report}.
 *
 * @param naive every graph entry and gradient its own buffer, as without planning
 * @param inplace in-place reuse only
 * @param coshare co-sharing of non-overlapping lifetimes only
 * @param planned both
 */
public record MemoryReport(long naive, long inplace, long coshare, long planned) {
  /**
   * The figures as {@code kindling summary} prints them: {@code memory naive: N bytes}, then
   * {@code inplace}, {@code coshare} and {@code planned}.
   */
  public List<String> lines() {
    return List.of(line("naive", naive), line("inplace", inplace), line("coshare", coshare),
        line("planned", planned));
  }

  private static String line(String what, long bytes) {
    return String.format(Locale.ROOT, "memory %s: %d bytes", what, bytes);
  }
}
