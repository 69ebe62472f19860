package org.kindling.symbol.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.Shape;

/**
 * The shape-inference pass. Needs: a {@link Graph} and the shapes of some variables (by name,
 * or from a variable's hidden {@code __shape__} attribute when fully known). Provides: a shape
 * per entry, {@code null} where it stays unknown.
 *
 * <p>As nnvm's {@code InferShape}, it sweeps forward then backward over the nodes, letting each
 * operator fill the slots it can, until a sweep changes nothing; so weight shapes are inferred
 * from the data shape. Inconsistencies are reported naming the node and slot.
 */
public final class ShapeInference {
  private ShapeInference() {}

  /**
   * Infers entry shapes.
   *
   * @param graph the graph
   * @param known shapes of variables by name (names not in the graph are the caller's concern)
   * @return shapes indexed by {@link Graph#entryId}, null where unknown
   * @throws IllegalArgumentException naming the node if shapes are inconsistent
   */
  public static Shape[] infer(Graph graph, Map<String, Shape> known) {
    Shape[] shapes = new Shape[graph.numEntries()];
    for (int id = 0; id < graph.numNodes(); id++) {
      Node n = graph.node(id);
      if (n.isVariable()) {
        Shape s = known.get(n.name());
        shapes[graph.entryId(id, 0)] = s != null ? s : hintedShape(n);
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int id = 0; id < graph.numNodes(); id++) {
        changed |= visit(graph, id, shapes);
      }
      for (int id = graph.numNodes() - 1; id >= 0; id--) {
        changed |= visit(graph, id, shapes);
      }
    }
    return shapes;
  }

  /**
   * A variable's {@code __shape__} if it is fully known. In MXNet's legacy (non-numpy) shape
   * semantics an empty tuple {@code ()} means an unknown shape and a 0 an unknown dimension;
   * partly known shapes are not used.
   */
  private static Shape hintedShape(Node n) {
    String hint = n.attrs().get("__shape__");
    if (hint == null) {
      return null;
    }
    int[] dims;
    try {
      dims = AttrSyntax.parseIntTuple(hint);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "variable '" + n.name() + "': bad __shape__ attribute: " + e.getMessage(), e);
    }
    if (dims.length == 0) {
      return null;
    }
    for (int d : dims) {
      if (d <= 0) {
        return null;
      }
    }
    return Shape.of(dims);
  }

  private static boolean visit(Graph graph, int id, Shape[] shapes) {
    Node n = graph.node(id);
    if (n.isVariable()) {
      return false;
    }
    List<NodeEntry> inputs = n.inputs();
    Shape[] in = new Shape[inputs.size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = shapes[graph.entryId(inputs.get(i))];
    }
    Shape[] out = new Shape[n.numOutputs()];
    for (int k = 0; k < out.length; k++) {
      out[k] = shapes[graph.entryId(id, k)];
    }
    List<String> outNames = new ArrayList<>(n.op().outputNames());
    ShapeSlots slots = new ShapeSlots(in, out, n.op().inputNames(), outNames);
    try {
      n.op().inferShape(slots);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "shape inference failed at node " + n.describe() + ": " + e.getMessage()
              + describeInputs(n, in), e);
    }
    if (!slots.changed()) {
      return false;
    }
    boolean changed = false;
    for (int i = 0; i < in.length; i++) {
      int e = graph.entryId(inputs.get(i));
      if (shapes[e] == null && in[i] != null) {
        shapes[e] = in[i];
        changed = true;
      } else if (in[i] != null && !in[i].equals(shapes[e])) {
        throw new IllegalArgumentException(
            "shape inference failed at node " + n.describe() + ": input '"
                + n.op().inputNames().get(i) + "' is " + shapes[e] + " but " + in[i]
                + " is required");
      }
    }
    for (int k = 0; k < out.length; k++) {
      int e = graph.entryId(id, k);
      if (shapes[e] == null && out[k] != null) {
        shapes[e] = out[k];
        changed = true;
      }
    }
    return changed;
  }

  private static String describeInputs(Node n, Shape[] in) {
    StringBuilder sb = new StringBuilder(" (input shapes:");
    List<String> names = n.op().inputNames();
    for (int i = 0; i < in.length; i++) {
      sb.append(' ').append(names.get(i)).append('=').append(in[i] == null ? "?" : in[i]);
    }
    return sb.append(')').toString();
  }
}
