package org.kindling.symbol.graph;

import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.FullyConnected;

/**
 * The fusion pass. Needs: a {@link Graph} and its {@link GradientPlan}. Provides: for each
 * operator node, the node whose forward computation it takes over as an epilogue, or -1.
 *
 * <p>An {@code Activation} fuses into the {@code FullyConnected} or {@code Convolution} before it
 * when it is the only reader of that layer's output and the output is not a head: the fused step
 * runs the layer's kernel into the activation's buffer and the activation's kernel in place on
 * it, as one engine operation, so the layer's output is never a value of its own. Both kernels
 * run unchanged, so the results are the same bits. With a backward pass the fusion needs that
 * neither backward reads the value that disappears (the layer's backward reads its inputs; the
 * activation's reads its output, except softsign's, which reads its input).
 */
public final class Fusion {
  private Fusion() {}

  /**
   * The epilogue of each node.
   *
   * @return indexed by node id: the id of the activation fused into that node, or -1
   */
  public static int[] epilogues(Graph graph, GradientPlan gradients) {
    int[] readers = new int[graph.numEntries()];
    for (Node n : graph.nodes()) {
      for (NodeEntry in : n.inputs()) {
        readers[graph.entryId(in)]++;
      }
    }
    for (NodeEntry head : graph.outputs()) {
      readers[graph.entryId(head)]++;
    }
    boolean[] runsBackward = new boolean[graph.numNodes()];
    for (GradientPlan.Step s : gradients.steps()) {
      runsBackward[s.nodeId()] = true;
    }
    int[] epilogue = new int[graph.numNodes()];
    java.util.Arrays.fill(epilogue, -1);
    for (int id = 0; id < graph.numNodes(); id++) {
      Node act = graph.node(id);
      if (act.isVariable() || !(act.op().op() instanceof Activation)) {
        continue;
      }
      NodeEntry in = act.inputs().get(0);
      Node layer = in.node();
      int producer = graph.nodeId(layer);
      if (layer.isVariable() || !isLayer(layer.op().op()) || in.index() != 0
          || readers[graph.entryId(in)] != 1) {
        continue;
      }
      boolean keepsOutput = runsBackward[producer]
          && layer.op().backwardDeps().outputs().contains(0);
      boolean needsInput = runsBackward[id] && act.op().backwardDeps().inputs().contains(0);
      if (!keepsOutput && !needsInput) {
        epilogue[producer] = id;
      }
    }
    return epilogue;
  }

  private static boolean isLayer(OpDef<?> op) {
    return op instanceof FullyConnected || op instanceof Convolution;
  }
}
