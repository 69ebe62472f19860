package org.kindling.symbol.graph;

import java.util.List;
import java.util.Map;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.ShapeSlots;

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
  private static final Sweeps.Rule<Shape, ShapeSlots> RULE =
      new Sweeps.Rule<>(Shape[]::new, ShapeSlots::new, OpInstance::inferShape,
          ShapeInference::describeInputs);

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
    return Sweeps.infer(graph, known, ShapeInference::hintedShape, RULE);
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

  private static String describeInputs(Node n, Shape[] in) {
    StringBuilder sb = new StringBuilder(" (input shapes:");
    List<String> names = n.op().inputNames();
    for (int i = 0; i < in.length; i++) {
      sb.append(' ').append(names.get(i)).append('=').append(in[i] == null ? "?" : in[i]);
    }
    return sb.append(')').toString();
  }
}
