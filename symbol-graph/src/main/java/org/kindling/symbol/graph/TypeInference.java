package org.kindling.symbol.graph;

import java.util.Map;
import org.kindling.tensor.DType;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.TypeSlots;

/**
 * The type-inference pass, nnvm's {@code InferType}. Needs: a {@link Graph} and the types of some
 * variables (by name, or a variable's hidden {@code __dtype__} attribute). Provides: an element
 * type per entry. Sweeps forward and backward until nothing changes; entries still unknown
 * afterwards are float32, MXNet's default.
 */
public final class TypeInference {
  private static final Sweeps.Rule<DType, TypeSlots> RULE =
      new Sweeps.Rule<>(DType[]::new, TypeSlots::new, OpInstance::inferType, (n, in) -> "");

  private TypeInference() {}

  /**
   * Infers entry types.
   *
   * @param known types of variables by name
   * @return types indexed by {@link Graph#entryId}
   * @throws IllegalArgumentException naming the node if types conflict
   */
  public static DType[] infer(Graph graph, Map<String, DType> known) {
    DType[] types = Sweeps.infer(graph, known, TypeInference::hinted, RULE);
    // what nothing determines is float32; that may let more types follow
    while (defaultVariables(graph, types)) {
      Sweeps.untilStable(graph, types, RULE);
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

  /** Sets the variables whose type is still unknown to float32; true if there were any. */
  private static boolean defaultVariables(Graph graph, DType[] types) {
    boolean changed = false;
    for (int id = 0; id < graph.numNodes(); id++) {
      int e = graph.entryId(id, 0);
      if (graph.node(id).isVariable() && types[e] == null) {
        types[e] = DType.FLOAT32;
        changed = true;
      }
    }
    return changed;
  }
}
