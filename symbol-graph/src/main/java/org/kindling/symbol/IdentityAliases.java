package org.kindling.symbol;

import java.util.Arrays;
import org.kindling.symbol.graph.ExecGraph;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.OpInstance;

/**
 * Which outputs of identity-like operators ({@link OpInstance#inplaceIdentity}: {@code _copy},
 * Flatten, Reshape, ...) can be the bound argument they read instead of a copy of it. The memory
 * planner cannot share an argument's memory (the caller owns it), so ResNet's {@code id =
 * identity(data)} copied the 600 KB image on every pass after {@code Module.forward} had copied
 * it into the argument. Reading the argument itself is the same data, provided nothing writes
 * through the alias: the output must not be a head (the caller sees heads), no step may write it
 * as a mutable input, and no backward pass may run (its gradient steps read and write the
 * planned buffers). The memory planner gives such an output no block, so no later output can
 * take it over in place either ({@code MemoryPlanner.plan} with {@code elsewhere}).
 */
final class IdentityAliases {
  private IdentityAliases() {}

  /**
   * For each value, the external value it is an alias of, or -1.
   *
   * @param layouts the layout of each value (null for all row-major)
   */
  static int[] of(ExecGraph graph, Layout[] layouts) {
    int[] alias = new int[graph.numValues()];
    Arrays.fill(alias, -1);
    if (!graph.backwardSteps().isEmpty()) {
      return alias;
    }
    for (ExecGraph.Step s : graph.forwardSteps()) {
      ExecGraph.Forward f = (ExecGraph.Forward) s;
      OpInstance<?> op = graph.graph().node(f.node()).op();
      if (!op.inplaceIdentity() || f.in().length != 1 || f.out().length != 1
          || f.epilogue() >= 0 || f.folded() >= 0 || f.sum() >= 0) {
        continue;
      }
      int in = f.in()[0];
      int out = f.out()[0];
      if (graph.external(in) && graph.exists(in) && !graph.isGradient(in)
          && graph.planned(out) && !graph.pinned(out)
          && graph.dtype(in) == graph.dtype(out)
          && graph.shape(in).size() == graph.shape(out).size()
          && rowMajor(layouts, in) && rowMajor(layouts, out)
          && !mutated(graph, out)) {
        alias[out] = in;
      }
    }
    return alias;
  }

  private static boolean rowMajor(Layout[] layouts, int v) {
    return layouts == null || layouts[v] == null || layouts[v] == Layout.ROW_MAJOR;
  }

  /** True if a step may write {@code v} as a mutable input. */
  private static boolean mutated(ExecGraph graph, int v) {
    for (ExecGraph.Step s : graph.forwardSteps()) {
      ExecGraph.Forward f = (ExecGraph.Forward) s;
      OpInstance<?> op = graph.graph().node(f.node()).op();
      for (int i : op.mutableInputs()) {
        if (i < f.in().length && f.in()[i] == v) {
          return true;
        }
      }
    }
    return false;
  }
}
