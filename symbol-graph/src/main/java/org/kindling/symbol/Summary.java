package org.kindling.symbol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kindling.symbol.graph.ExecGraph;
import org.kindling.symbol.graph.GradientPass;
import org.kindling.symbol.graph.Graph;
import org.kindling.symbol.graph.MemoryPlanner;
import org.kindling.symbol.graph.MemoryReport;
import org.kindling.symbol.graph.Node;
import org.kindling.symbol.graph.NodeEntry;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.symbol.graph.ShapeInference;
import org.kindling.symbol.graph.TypeInference;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;

/**
 * The layer table of MXNet's {@code mx.viz.print_summary} (1.9.1 layout: 120 columns, fields at
 * 44%, 64% and 74%): one row per layer with its output shape (batch axis dropped, joined by
 * {@code x}), its parameter count and the layers it reads, then the total. Parameter counts are
 * exact (the sizes of the layer's parameter arguments; auxiliary states such as BatchNorm's moving
 * statistics are not parameters), which is what MXNet's per-operator formulas give for the layers
 * they know. Kindling adds the memory planner's figures for a binding at these shapes
 * ({@link MemoryReport}) just before the total.
 */
public final class Summary {
  private static final int WIDTH = 120;
  private static final int[] STOPS = {52, 76, 88, 120};

  private Summary() {}

  /**
   * The table's lines, then the four memory figures ({@link MemoryReport#lines()}, or one line
   * {@code memory: unknown (...)} if some shape cannot be inferred), ending with
   * {@code Total params: N} (digits grouped).
   *
   * @param inputShapes shapes of the data inputs, batch axis first
   * @param train plan memory for training (a gradient for every parameter) rather than inference
   */
  public static List<String> lines(Symbol symbol, Map<String, Shape> inputShapes,
      boolean train) {
    Graph g = symbol.graph();
    Shape[] shapes = ShapeInference.infer(g, inputShapes);
    Set<String> inputs = new LinkedHashSet<>(inputShapes.keySet());
    Set<String> parameters = parameters(g, inputs);
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
      for (NodeEntry in : n.inputs()) {
        Node src = in.node();
        if (!src.isVariable() || inputs.contains(src.name())) {
          previous.add(src.name());
        } else if (parameters.contains(src.name())) {
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
    out.addAll(memoryLines(g, shapes, parameters, train));
    out.add(String.format(Locale.ROOT, "Total params: %,d", total));
    return out;
  }

  /**
   * The learned arguments: variables other than the inputs that are not auxiliary states and
   * not the extra inputs of a loss head (SoftmaxOutput's label is data, not a parameter).
   */
  private static Set<String> parameters(Graph g, Set<String> inputs) {
    Set<String> out = new LinkedHashSet<>();
    for (Node n : g.nodes()) {
      boolean lossHead = !n.isVariable() && !n.op().backwardDeps().outputGrads();
      for (int i = 0; i < n.inputs().size(); i++) {
        Node src = n.inputs().get(i).node();
        if (src.isVariable() && !inputs.contains(src.name()) && !g.isAuxiliary(g.nodeId(src))
            && !(lossHead && i > 0)) {
          out.add(src.name());
        }
      }
    }
    return out;
  }

  private static List<String> memoryLines(Graph g, Shape[] shapes, Set<String> parameters,
      boolean train) {
    for (int id = 0; id < g.numNodes(); id++) {
      for (int k = 0; k < g.node(id).numOutputs(); k++) {
        if (shapes[g.entryId(id, k)] == null) {
          return List.of("memory: unknown (the shape of " + g.node(id).describe()
              + " cannot be inferred from the input shapes)");
        }
      }
    }
    Map<String, GradReq> reqs = new HashMap<>();
    if (train) {
      parameters.forEach(p -> reqs.put(p, GradReq.WRITE));
    }
    PlanOptions options = PlanOptions.fromSystemProperties();
    ExecGraph exec = ExecGraph.of(g, shapes, TypeInference.infer(g, Map.of()),
        GradientPass.plan(g, reqs), options.fuse());
    return MemoryPlanner.report(exec, options).lines();
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
