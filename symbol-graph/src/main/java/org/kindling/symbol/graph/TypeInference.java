package org.kindling.symbol.graph;

import java.util.List;
import java.util.Map;
import org.kindling.tensor.DType;
import org.kindling.tensor.op.TypeSlots;

/**
 * The type-inference pass, nnvm's {@code InferType}. Needs: a {@link Graph} and the types of some
 * variables (by name, or a variable's hidden {@code __dtype__} attribute). Provides: an element
 * type per entry. Sweeps forward and backward until nothing changes; entries still unknown
 * afterwards are float32, MXNet's default.
 */
public final class TypeInference {
  private TypeInference() {}

  /**
   * Infers entry types.
   *
   * @param known types of variables by name
   * @return types indexed by {@link Graph#entryId}
   * @throws IllegalArgumentException naming the node if types conflict
   */
  public static DType[] infer(Graph graph, Map<String, DType> known) {
    DType[] types = new DType[graph.numEntries()];
    for (int id = 0; id < graph.numNodes(); id++) {
      Node n = graph.node(id);
      if (n.isVariable()) {
        DType t = known.get(n.name());
        types[graph.entryId(id, 0)] = t != null ? t : hinted(n);
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int id = 0; id < graph.numNodes(); id++) {
        changed |= visit(graph, id, types);
      }
      for (int id = graph.numNodes() - 1; id >= 0; id--) {
        changed |= visit(graph, id, types);
      }
      if (!changed) {
        // what nothing determines is float32; that may let more types follow
        for (int id = 0; id < graph.numNodes(); id++) {
          int e = graph.entryId(id, 0);
          if (graph.node(id).isVariable() && types[e] == null) {
            types[e] = DType.FLOAT32;
            changed = true;
          }
        }
      }
    }
    for (int e = 0; e < types.length; e++) {
      if (types[e] == null) {
        types[e] = DType.FLOAT32;
      }
    }
    return types;
  }

  private static DType hinted(Node n) {
    String flag = n.attrs().get("__dtype__");
    if (flag == null) {
      return null;
    }
    try {
      return DType.fromFlag(Integer.parseInt(flag.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("variable '" + n.name() + "': bad __dtype__ attribute '"
          + flag + "': " + e.getMessage(), e);
    }
  }

  private static boolean visit(Graph graph, int id, DType[] types) {
    Node n = graph.node(id);
    if (n.isVariable()) {
      return false;
    }
    List<NodeEntry> inputs = n.inputs();
    DType[] in = new DType[inputs.size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = types[graph.entryId(inputs.get(i))];
    }
    DType[] out = new DType[n.numOutputs()];
    for (int k = 0; k < out.length; k++) {
      out[k] = types[graph.entryId(id, k)];
    }
    try {
      n.op().inferType(new TypeSlots(in, out, n.op().inputNames(), n.op().outputNames()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "type inference failed at node " + n.describe() + ": " + e.getMessage(), e);
    }
    boolean changed = false;
    for (int i = 0; i < in.length; i++) {
      int e = graph.entryId(inputs.get(i));
      if (types[e] == null && in[i] != null) {
        types[e] = in[i];
        changed = true;
      } else if (in[i] != null && in[i] != types[e]) {
        throw new IllegalArgumentException("type inference failed at node " + n.describe()
            + ": input '" + n.op().inputNames().get(i) + "' is " + types[e].numpyName()
            + " but " + in[i].numpyName() + " is required");
      }
    }
    for (int k = 0; k < out.length; k++) {
      int e = graph.entryId(id, k);
      if (types[e] == null && out[k] != null) {
        types[e] = out[k];
        changed = true;
      }
    }
    return changed;
  }
}
