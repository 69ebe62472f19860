package org.kindling.symbol.graph;

import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.Deconvolution;
import org.kindling.tensor.op.nn.FullyConnected;

/**
 * The fusion pass. Needs: a {@link Graph} and its {@link GradientPlan} (and, for folding, the
 * entry types). Provides: for each node, the BatchNorm folded into it ({@link #folds}) and the
 * activation that runs as its epilogue ({@link #epilogues}), or -1.
 *
 * <p><b>Epilogues.</b> An {@code Activation} fuses into the {@code FullyConnected}, {@code
 * Convolution} or {@code Deconvolution} before it (or into the convolution a BatchNorm between them is folded into) when
 * it is the only reader of that output and the output is not a head: the fused step runs the
 * layer's kernel into the activation's buffer and the activation's kernel in place on it, as one
 * engine operation, so the layer's output is never a value of its own. Both kernels run
 * unchanged, so the results are the same bits. With a backward pass the fusion needs that
 * neither backward reads the value that disappears (the layer's backward reads its inputs; the
 * activation's reads its output, except softsign's, which reads its input).
 *
 * <p><b>Folding</b> (inference bindings only: no backward step at all). A float32 {@code
 * BatchNorm} over axis 1 whose data is a {@code Convolution}'s output that nothing else reads
 * (and is not a head), and whose hidden outputs nothing reads, folds into that convolution: in
 * inference it normalizes with the moving statistics, an affine map per output channel, so the
 * convolution with weights {@code W·s} and bias {@code (b - moving_mean)·s + beta}, where
 * {@code s = gamma / sqrt(moving_var + eps)} ({@code gamma = 1} with {@code fix_gamma}), gives
 * the same output within float32 rounding in one step, without the BatchNorm pass over the data.
 */
public final class Fusion {
  private Fusion() {}

  /**
   * The BatchNorm folded into each convolution.
   *
   * @param shapes the shape of each entry
   * @param types the type of each entry
   * @return indexed by node id: for a Convolution, the id of the BatchNorm folded into it, or -1
   */
  public static int[] folds(Graph graph, GradientPlan gradients, Shape[] shapes,
      DType[] types) {
    int[] fold = none(graph);
    if (!gradients.steps().isEmpty()) {
      return fold; // a training binding: its forward(true) normalizes with the batch's statistics
    }
    int[] readers = readers(graph);
    for (int id = 0; id < graph.numNodes(); id++) {
      Node bn = graph.node(id);
      if (bn.isVariable() || !(bn.op().op() instanceof BatchNorm)) {
        continue;
      }
      BatchNorm.Params p = (BatchNorm.Params) bn.op().params();
      NodeEntry in = bn.inputs().get(0);
      int data = graph.entryId(in);
      int rank = shapes[data].ndim();
      boolean hiddenUnread = readers[graph.entryId(id, 1)] == 0
          && readers[graph.entryId(id, 2)] == 0;
      if (!in.node().isVariable() && in.node().op().op() instanceof Convolution
          && in.index() == 0 && readers[data] == 1 && hiddenUnread
          && types[data] == DType.FLOAT32 && channelAxisIsOne(p.axis(), rank)) {
        fold[graph.nodeId(in.node())] = id;
      }
    }
    return fold;
  }

  /**
   * The epilogue of each node.
   *
   * @param folds the BatchNorm folded into each convolution ({@link #folds}), or all -1
   * @return indexed by node id: the id of the activation fused into that node, or -1
   */
  public static int[] epilogues(Graph graph, GradientPlan gradients, int[] folds) {
    int[] readers = readers(graph);
    int[] foldedInto = none(graph);
    for (int conv = 0; conv < folds.length; conv++) {
      if (folds[conv] >= 0) {
        foldedInto[folds[conv]] = conv;
      }
    }
    boolean[] runsBackward = new boolean[graph.numNodes()];
    for (GradientPlan.Step s : gradients.steps()) {
      runsBackward[s.nodeId()] = true;
    }
    int[] epilogue = none(graph);
    for (int id = 0; id < graph.numNodes(); id++) {
      Node act = graph.node(id);
      if (act.isVariable() || !(act.op().op() instanceof Activation)) {
        continue;
      }
      NodeEntry in = act.inputs().get(0);
      Node layer = in.node();
      int producer = graph.nodeId(layer);
      if (!layer.isVariable() && foldedInto[producer] >= 0) {
        producer = foldedInto[producer]; // the convolution that computes the BatchNorm's output
      } else if (layer.isVariable() || !isLayer(layer.op().op())) {
        continue;
      }
      if (in.index() != 0 || readers[graph.entryId(in)] != 1) {
        continue;
      }
      boolean keepsOutput = runsBackward[producer]
          && graph.node(producer).op().backwardDeps().outputs().contains(0);
      boolean needsInput = runsBackward[id] && act.op().backwardDeps().inputs().contains(0);
      if (!keepsOutput && !needsInput) {
        epilogue[producer] = id;
      }
    }
    return epilogue;
  }

  /** Readers of each entry: node inputs, plus one per head. */
  private static int[] readers(Graph graph) {
    int[] readers = new int[graph.numEntries()];
    for (Node n : graph.nodes()) {
      for (NodeEntry in : n.inputs()) {
        readers[graph.entryId(in)]++;
      }
    }
    for (NodeEntry head : graph.outputs()) {
      readers[graph.entryId(head)]++;
    }
    return readers;
  }

  private static boolean channelAxisIsOne(int axis, int rank) {
    return (axis < 0 ? axis + rank : axis) == 1;
  }

  private static int[] none(Graph graph) {
    int[] a = new int[graph.numNodes()];
    java.util.Arrays.fill(a, -1);
    return a;
  }

  private static boolean isLayer(OpDef<?> op) {
    return op instanceof FullyConnected || op instanceof Convolution
        || op instanceof Deconvolution;
  }
}
