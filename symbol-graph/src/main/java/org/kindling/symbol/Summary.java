package org.kindling.symbol;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kindling.symbol.graph.Graph;
import org.kindling.symbol.graph.Node;
import org.kindling.symbol.graph.NodeEntry;
import org.kindling.symbol.graph.ShapeInference;
import org.kindling.tensor.Shape;

/**
 * The layer table of MXNet's {@code mx.viz.print_summary} (1.9.1 layout: 120 columns, fields at
 * 44%, 64% and 74%): one row per layer with its output shape (batch axis dropped, joined by
 * {@code x}), its parameter count and the layers it reads, then the total. Parameter counts are
 * exact (the sizes of the layer's parameter arguments; auxiliary states such as BatchNorm's moving
 * statistics are not parameters), which is what MXNet's per-operator formulas give for the layers
 * they know.
 */
public final class Summary {
  private static final int WIDTH = 120;
  private static final int[] STOPS = {52, 76, 88, 120};

  private Summary() {}

  /**
   * The table's lines, ending with {@code Total params: N} (digits grouped).
   *
   * @param inputShapes shapes of the data inputs, batch axis first
   */
  public static List<String> lines(Symbol symbol, Map<String, Shape> inputShapes) {
    Graph g = symbol.graph();
    Shape[] shapes = ShapeInference.infer(g, inputShapes);
    Set<String> inputs = new LinkedHashSet<>(inputShapes.keySet());
    List<String> out = new ArrayList<>();
    out.add("_".repeat(WIDTH));
    out.add(row("Layer (type)", "Output Shape", "Param #", "Previous Layer"));
    out.add("=".repeat(WIDTH));
    long total = 0;
    for (int id = 0; id < g.numNodes(); id++) {
      Node n = g.node(id);
      if (n.isVariable() && id > 0) {
        continue;
      }
      String shape = describe(shapes[g.entryId(id, 0)]);
      long params = 0;
      List<String> previous = new ArrayList<>();
      // a loss head's other inputs (SoftmaxOutput's label) are data, not parameters
      boolean lossHead = !n.isVariable() && !n.op().backwardDeps().outputGrads();
      for (int i = 0; i < n.inputs().size(); i++) {
        NodeEntry in = n.inputs().get(i);
        Node src = in.node();
        if (!src.isVariable() || inputs.contains(src.name())) {
          previous.add(src.name());
        } else if (!g.isAuxiliary(g.nodeId(src)) && !(lossHead && i > 0)) {
          Shape s = shapes[g.entryId(in)];
          params += s == null ? 0 : s.size();
        }
      }
      total += params;
      String type = n.isVariable() ? "null" : n.op().name();
      out.add(row(n.name() + "(" + type + ")", shape, Long.toString(params),
          previous.isEmpty() ? "" : previous.get(0)));
      for (int i = 1; i < previous.size(); i++) {
        out.add(row("", "", "", previous.get(i)));
      }
      out.add((id == g.numNodes() - 1 ? "=" : "_").repeat(WIDTH));
    }
    out.add(String.format(Locale.ROOT, "Total params: %,d", total));
    return out;
  }

  /** The per-example shape, {@code 20x24x24}; empty when unknown. */
  private static String describe(Shape s) {
    if (s == null || s.ndim() <= 1) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < s.ndim(); i++) {
      sb.append(i > 1 ? "x" : "").append(s.get(i));
    }
    return sb.toString();
  }

  /** Python's print_row: each field cut or padded to its stop. */
  private static String row(String... fields) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      line.append(fields[i]);
      if (line.length() > STOPS[i]) {
        line.setLength(STOPS[i]);
      }
      while (line.length() < STOPS[i]) {
        line.append(' ');
      }
    }
    return line.toString().stripTrailing();
  }
}
