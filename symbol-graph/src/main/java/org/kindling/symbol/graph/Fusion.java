package org.kindling.symbol.graph;

import java.util.function.BiPredicate;
import java.util.function.IntPredicate;
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
 *
 * <p><b>Residual sums</b> (inference bindings only, {@link PlanOptions#blocked}). An {@code
 * elemwise_add} (MXNet's {@code _Plus}) or a {@code broadcast_add} of two float32 values of its
 * output's shape runs inside the convolution that computes one of them (the one computed later;
 * through a folded BatchNorm too) when that value has no other reader and is not a head, the
 * other value is computed before the convolution's step, and the convolution's kernel can add
 * (oneDNN's {@code sum} post-op, MXNet's MKL-DNN {@code with_sum}): the convolution then writes
 * the sum, and an Activation after the sum becomes its epilogue (ReLU after the sum).
 *
 * <p><b>Activations after a BatchNorm</b> (inference bindings only, with a predicate of the
 * BatchNorms whose kernel can compute the activation, {@link PlanOptions#blocked}): an
 * Activation reading only a BatchNorm's output 0 that nothing else reads (and a BatchNorm not
 * folded into a convolution: a pre-activation ResNet's {@code bn1} and {@code relu1}) becomes
 * the BatchNorm's epilogue (oneDNN's {@code fuse_norm_relu}; decision 0059).
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
   * The residual sum each convolution computes.
   *
   * @param folds the BatchNorm folded into each convolution ({@link #folds}), or all -1
   * @param canHost whether the kernel of a convolution node (with its folded BatchNorm) can add
   * @return indexed by node id: for a Convolution, the id of the add it computes, or -1
   */
  public static int[] sums(Graph graph, GradientPlan gradients, int[] folds, Shape[] shapes,
      DType[] types, IntPredicate canHost) {
    int[] sum = none(graph);
    if (!gradients.steps().isEmpty()) {
      return sum;
    }
    int[] readers = readers(graph);
    int[] foldedInto = invert(folds);
    for (int id = 0; id < graph.numNodes(); id++) {
      Node add = graph.node(id);
      if (add.isVariable() || !isSum(add) || add.inputs().size() != 2) {
        continue;
      }
      int out = graph.entryId(id, 0);
      NodeEntry a = add.inputs().get(0);
      NodeEntry b = add.inputs().get(1);
      int ea = graph.entryId(a);
      int eb = graph.entryId(b);
      if (ea == eb || !shapes[ea].equals(shapes[out]) || !shapes[eb].equals(shapes[out])
          || types[ea] != DType.FLOAT32 || types[eb] != DType.FLOAT32) {
        continue;
      }
      // the value computed later hosts the sum: the other must exist by the time it runs
      boolean aLater = graph.nodeId(a.node()) > graph.nodeId(b.node());
      NodeEntry host = aLater ? a : b;
      NodeEntry other = aLater ? b : a;
      int conv = convolutionOf(graph, host, foldedInto);
      if (conv >= 0 && readers[graph.entryId(host)] == 1 && sum[conv] < 0
          && (other.node().isVariable() || graph.nodeId(other.node()) < conv)
          && canHost.test(conv)) {
        sum[conv] = id;
      }
    }
    return sum;
  }

  /** The convolution whose step computes {@code e} (itself, or through a folded BatchNorm). */
  private static int convolutionOf(Graph graph, NodeEntry e, int[] foldedInto) {
    Node n = e.node();
    if (n.isVariable() || e.index() != 0) {
      return -1;
    }
    int id = graph.nodeId(n);
    if (foldedInto[id] >= 0) {
      return foldedInto[id];
    }
    return n.op().op() instanceof Convolution ? id : -1;
  }

  private static boolean isSum(Node n) {
    String name = n.op().op().name();
    return name.equals("elemwise_add") || name.equals("broadcast_add");
  }

  /** Node {@code v} to node {@code k} for {@code map[k] = v}; -1 elsewhere. */
  private static int[] invert(int[] map) {
    int[] inv = new int[map.length];
    java.util.Arrays.fill(inv, -1);
    for (int k = 0; k < map.length; k++) {
      if (map[k] >= 0) {
        inv[map[k]] = k;
      }
    }
    return inv;
  }

  /**
   * The epilogue of each node.
   *
   * @param folds the BatchNorm folded into each convolution ({@link #folds}), or all -1
   * @return indexed by node id: the id of the activation fused into that node, or -1
   */
  public static int[] epilogues(Graph graph, GradientPlan gradients, int[] folds) {
    return epilogues(graph, gradients, folds, none(graph));
  }

  /**
   * The epilogue of each node, an activation after a residual sum ({@link #sums}) included.
   *
   * @param sums the add each convolution computes, or all -1
   * @return indexed by node id: the id of the activation fused into that node, or -1
   */
  public static int[] epilogues(Graph graph, GradientPlan gradients, int[] folds, int[] sums) {
    return epilogues(graph, gradients, folds, sums, null);
  }

  /**
   * The epilogue of each node, activations after a BatchNorm included.
   *
   * @param normHosts whether the kernel of BatchNorm node (first) computes activation node
   *     (second) inside its call; null: no BatchNorm takes an epilogue
   * @return indexed by node id: the id of the activation fused into that node, or -1
   */
  public static int[] epilogues(Graph graph, GradientPlan gradients, int[] folds, int[] sums,
      BiPredicate<Integer, Integer> normHosts) {
    boolean inference = gradients.steps().isEmpty();
    int[] readers = readers(graph);
    int[] foldedInto = invert(folds);
    int[] summedInto = invert(sums);
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
      } else if (!layer.isVariable() && summedInto[producer] >= 0) {
        producer = summedInto[producer]; // the convolution that computes the sum
      } else if (!layer.isVariable() && layer.op().op() instanceof BatchNorm) {
        if (normHosts == null || !inference || !normHosts.test(producer, id)) {
          continue;
        }
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
