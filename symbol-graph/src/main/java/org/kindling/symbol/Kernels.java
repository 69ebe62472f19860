package org.kindling.symbol;

import java.util.List;
import java.util.function.UnaryOperator;
import org.kindling.symbol.graph.ExecGraph;
import org.kindling.symbol.graph.Graph;
import org.kindling.symbol.graph.Node;
import org.kindling.symbol.graph.NodeEntry;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.SumFusable;
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.tensor.op.nn.Convolution;

/**
 * The kernels of a bound graph's forward steps, chosen per node from its operator's registered
 * kernels (so an accelerated backend takes over per node where its conditions hold): each node's
 * own, a convolution's with a bias over folded BatchNorm weights, a layer's with its epilogue
 * inside ({@link EpilogueFusable}) and a convolution's with a residual sum inside ({@link
 * SumFusable}). {@link #inference} is what an inference forward runs per step; {@link
 * LayoutPlan} may replace it by a variant that reads and writes its backend's layouts.
 */
final class Kernels {
  private final ExecGraph graph;
  final Kernel[] kernels;
  /** For a convolution with a BatchNorm folded in: its kernel with a bias. */
  final Kernel[] foldedKernels;
  final BatchNormFold[] folds;
  /** Per node: the kernel that runs its forward with its epilogue (and sum) inside, or null. */
  final Kernel[] fusedForward;
  /** Per node of a sum step: the layer's kernel with the sum inside but not the epilogue. */
  final Kernel[] summed;
  /** Per node: what an inference forward runs (the layer's, fused, summed or laid out). */
  private final Kernel[] inference;

  /**
   * Chooses the kernels of {@code graph}'s forward steps.
   *
   * @param reuse kernels chosen for a lowering of the same graph without sums, whose kernels and
   *     folded weights are taken over where a node's are the same (null: choose all)
   * @param own takes ownership of the folded weights' arrays and returns them
   */
  Kernels(ExecGraph graph, Kernels reuse, UnaryOperator<NDArray> own) {
    this.graph = graph;
    Graph g = graph.graph();
    int n = g.numNodes();
    kernels = reuse != null ? reuse.kernels.clone() : new Kernel[n];
    foldedKernels = reuse != null ? reuse.foldedKernels.clone() : new Kernel[n];
    folds = reuse != null ? reuse.folds.clone() : new BatchNormFold[n];
    fusedForward = new Kernel[n];
    summed = new Kernel[n];
    inference = new Kernel[n];
    for (ExecGraph.Step s : graph.forwardSteps()) {
      ExecGraph.Forward f = (ExecGraph.Forward) s;
      int node = f.node();
      if (f.folded() >= 0 && foldedKernels[node] == null) {
        prepareFold(f, own);
      } else if (kernels[node] == null) {
        kernels[node] = select(g.node(node), g.node(node).op(), f.in(), f.out());
      }
      if (f.epilogue() >= 0 && kernels[f.epilogue()] == null) {
        int[] y = {f.out()[0]};
        kernels[f.epilogue()] = select(g.node(f.epilogue()), g.node(f.epilogue()).op(), y, y);
      }
      Kernel layer = layer(node);
      OpInstance<?> epilogue = f.epilogue() >= 0 ? g.node(f.epilogue()).op() : null;
      if (f.sum() >= 0) {
        SumFusable host = (SumFusable) layer; // Fusion.sums asked canSum
        summed[node] = host.fuseSum(null);
        fusedForward[node] = epilogue == null ? null : host.fuseSum(epilogue);
      } else if (epilogue != null && layer instanceof EpilogueFusable fusable) {
        // the backend computes the epilogue inside the layer's kernel (oneDNN post-ops); with
        // a BatchNorm folded in, inside the kernel that runs over the folded weights
        fusedForward[node] = fusable.fuse(epilogue);
      }
      inference[node] = fusedForward[node] != null ? fusedForward[node]
          : summed[node] != null ? summed[node] : layer;
    }
  }

  /** The kernel that computes node {@code node}'s layer in inference (folded weights or not). */
  Kernel layer(int node) {
    return foldedKernels[node] != null ? foldedKernels[node] : kernels[node];
  }

  /** True if the inference kernel of convolution {@code node} can add a residual addend. */
  boolean canSum(int node) {
    return layer(node) instanceof SumFusable s && s.fuseSum(null) != null;
  }

  /** True if the kernel of BatchNorm {@code node} computes activation {@code act} inside. */
  boolean canFuseNorm(int node, int act) {
    return kernels[node] instanceof EpilogueFusable f
        && f.fuse(graph.graph().node(act).op()) != null;
  }

  /** What an inference forward of step {@code f} runs first (its epilogue may follow). */
  Kernel inference(ExecGraph.Forward f) {
    return inference[f.node()];
  }

  /** Makes step {@code f}'s inference run {@code k} instead ({@link LayoutPlan}). */
  void setInference(ExecGraph.Forward f, Kernel k) {
    inference[f.node()] = k;
  }

  /** True if {@code f}'s inference runs its epilogue as a kernel of its own after the layer. */
  boolean separateEpilogue(ExecGraph.Forward f) {
    return f.epilogue() >= 0 && fusedForward[f.node()] == null;
  }

  /** Each node's kernel, in the order the forward pass runs them. */
  List<KernelReport.Choice> choices() {
    Graph g = graph.graph();
    List<KernelReport.Choice> out = new java.util.ArrayList<>();
    for (ExecGraph.Step s : graph.forwardSteps()) {
      ExecGraph.Forward f = (ExecGraph.Forward) s;
      for (int n : new int[] {f.node(), f.folded(), f.sum(), f.epilogue()}) {
        if (n >= 0) {
          Node node = g.node(n);
          Kernel k = n == f.sum() ? summed[f.node()] : kernels[n];
          out.add(new KernelReport.Choice(node.name(), node.op().op().name(),
              k.implementation()));
        }
      }
    }
    return out;
  }

  /**
   * Chooses the kernels of a convolution with a BatchNorm folded in: the two layers' own (for
   * a training forward, which normalizes with the batch's statistics) and the convolution's
   * with a bias (for inference, over the folded weights), and allocates the folded weights.
   */
  private void prepareFold(ExecGraph.Forward f, UnaryOperator<NDArray> own) {
    Graph g = graph.graph();
    Node conv = g.node(f.node());
    Node bn = g.node(f.folded());
    int[] convIn = entries(g, conv.inputs());
    int[] convOut = {g.entryId(f.node(), 0)};
    int[] bnIn = entries(g, bn.inputs());
    int[] bnOut = new int[bn.numOutputs()];
    for (int k = 0; k < bnOut.length; k++) {
      bnOut[k] = g.entryId(f.folded(), k);
    }
    kernels[f.node()] = select(conv, conv.op(), convIn, convOut);
    kernels[f.folded()] = select(bn, bn.op(), bnIn, bnOut);
    Convolution.Params p = (Convolution.Params) conv.op().params();
    Shape weight = graph.shape(convIn[1]);
    int[] biased = {convIn[0], convIn[1], bnIn[2]}; // any (filters,) value: beta's shape
    foldedKernels[f.node()] = select(conv, OpInstance.of(Convolution.OP, p.withNoBias(false)),
        biased, convOut);
    folds[f.node()] = new BatchNormFold(weight, (BatchNorm.Params) bn.op().params(), own);
  }

  private static int[] entries(Graph g, List<NodeEntry> in) {
    int[] out = new int[in.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = g.entryId(in.get(i));
    }
    return out;
  }

  /** The kernel of {@code op} at node {@code n} for the shapes and types of values. */
  private Kernel select(Node n, OpInstance<?> op, int[] in, int[] out) {
    Shape[] inShapes = new Shape[in.length];
    DType[] inTypes = new DType[in.length];
    for (int i = 0; i < inShapes.length; i++) {
      inShapes[i] = graph.shape(in[i]);
      inTypes[i] = graph.dtype(in[i]);
    }
    Shape[] outShapes = new Shape[out.length];
    DType[] outTypes = new DType[out.length];
    for (int k = 0; k < outShapes.length; k++) {
      outShapes[k] = graph.shape(out[k]);
      outTypes[k] = graph.dtype(out[k]);
    }
    try {
      return op.selectKernel(new KernelSignature(inShapes, inTypes, outShapes, outTypes));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bind: node " + n.describe() + ": " + e.getMessage(), e);
    }
  }
}
