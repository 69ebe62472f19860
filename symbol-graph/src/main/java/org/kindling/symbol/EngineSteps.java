package org.kindling.symbol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.kindling.symbol.graph.ExecGraph;
import org.kindling.symbol.graph.Graph;
import org.kindling.symbol.graph.Node;
import org.kindling.symbol.graph.NodeEntry;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Var;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.profile.Profiler;

/**
 * The engine operations of a bound graph: one per {@link ExecGraph} step, prepared at bind time
 * over the arrays that hold the values (planned values are views of shared blocks, so two values
 * in one block share its engine variable and the engine orders a write after the block's earlier
 * reads). A kernel is chosen per node from its operator's registered kernels, and one workspace
 * serves every kernel; kernels that use it write its variable, so they never share it at once.
 */
final class EngineSteps {
  /** One step's work, given the random seeds drawn when it is pushed (one per kernel call). */
  interface Work {
    void run(long[] seeds);
  }

  /**
   * One engine operation: its work, the variables it reads and writes, and how many seeds it
   * draws (a fused step draws one per kernel it runs, so that fusion does not shift the random
   * numbers of later steps).
   */
  record Step(String name, Work work, List<Var> reads, List<Var> writes, int seeds) {}

  private final ExecGraph graph;
  private final NDArray[] values;
  private final List<NDArray> headGrads;
  private final Kernel[] kernels;
  /** For a convolution with a BatchNorm folded in: its kernel with a bias, and the weights. */
  private final Kernel[] foldedKernels;
  private final BatchNormFold[] folds;
  /** Per node: the kernel that runs its forward with its epilogue inside, or null. */
  private final Kernel[] fusedForward;
  private final NDArray workspace;
  /**
   * The workspace's bytes, taken once: a step that runs after the executor was closed (its
   * memory is released only after the steps that use it) must not ask the closed array again.
   */
  private final java.nio.ByteBuffer workspaceBytes;

  /**
   * Chooses the kernels and allocates the workspace.
   *
   * @param values the array of each existing value
   * @param headGrads the head-gradient array of each head (null where none is seeded)
   * @param own takes ownership of the workspace array and returns it
   */
  EngineSteps(ExecGraph graph, NDArray[] values, List<NDArray> headGrads,
      UnaryOperator<NDArray> own) {
    this.graph = graph;
    this.values = values;
    this.headGrads = headGrads;
    Graph g = graph.graph();
    this.kernels = new Kernel[g.numNodes()];
    this.foldedKernels = new Kernel[g.numNodes()];
    this.folds = new BatchNormFold[g.numNodes()];
    this.fusedForward = new Kernel[g.numNodes()];
    long maxWorkspace = 0;
    for (ExecGraph.Step s : graph.forwardSteps()) {
      ExecGraph.Forward f = (ExecGraph.Forward) s;
      if (f.folded() >= 0) {
        maxWorkspace = Math.max(maxWorkspace, prepareFold(f, own));
      } else {
        kernels[f.node()] = selectKernel(g.node(f.node()), f.in(), f.out());
      }
      maxWorkspace = Math.max(maxWorkspace, kernels[f.node()].workspaceBytes());
      if (f.epilogue() >= 0) {
        int[] y = {f.out()[0]};
        kernels[f.epilogue()] = selectKernel(g.node(f.epilogue()), y, y);
        maxWorkspace = Math.max(maxWorkspace, kernels[f.epilogue()].workspaceBytes());
        // the backend computes the epilogue inside the layer's kernel (oneDNN post-ops); with
        // a BatchNorm folded in, inside the kernel that runs over the folded weights
        Kernel layer = f.folded() >= 0 ? foldedKernels[f.node()] : kernels[f.node()];
        if (layer instanceof EpilogueFusable fusable) {
          fusedForward[f.node()] = fusable.fuse(g.node(f.epilogue()).op());
          if (fusedForward[f.node()] != null) {
            maxWorkspace = Math.max(maxWorkspace, fusedForward[f.node()].workspaceBytes());
          }
        }
      }
    }
    this.workspace = maxWorkspace == 0 ? null
        : own.apply(NDArray.empty(Shape.of((int) Math.min(maxWorkspace, Integer.MAX_VALUE)),
            DType.UINT8));
    this.workspaceBytes = workspace == null ? null : workspace.byteBuffer();
  }

  /**
   * Chooses the kernels of a convolution with a BatchNorm folded in: the two layers' own (for
   * a training forward, which normalizes with the batch's statistics) and the convolution's
   * with a bias (for inference, over the folded weights), and allocates the folded weights.
   *
   * @return the largest workspace of the three kernels
   */
  private long prepareFold(ExecGraph.Forward f, UnaryOperator<NDArray> own) {
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
    kernels[f.node()] = selectKernel(conv, conv.op(), convIn, convOut);
    kernels[f.folded()] = selectKernel(bn, bn.op(), bnIn, bnOut);
    Convolution.Params p = (Convolution.Params) conv.op().params();
    Shape weight = graph.shape(convIn[1]);
    int[] biased = {convIn[0], convIn[1], bnIn[2]}; // any (filters,) value: beta's shape
    foldedKernels[f.node()] = selectKernel(conv,
        OpInstance.of(Convolution.OP, p.withNoBias(false)), biased, convOut);
    folds[f.node()] = new BatchNormFold(weight, (BatchNorm.Params) bn.op().params(), own);
    return Math.max(kernels[f.folded()].workspaceBytes(),
        foldedKernels[f.node()].workspaceBytes());
  }

  private static int[] entries(Graph g, List<NodeEntry> in) {
    int[] out = new int[in.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = g.entryId(in.get(i));
    }
    return out;
  }

  /** Each node's kernel, in the order the forward pass runs them. */
  List<KernelReport.Choice> choices() {
    Graph g = graph.graph();
    List<KernelReport.Choice> out = new ArrayList<>();
    for (ExecGraph.Step s : graph.forwardSteps()) {
      ExecGraph.Forward f = (ExecGraph.Forward) s;
      for (int n : new int[] {f.node(), f.folded(), f.epilogue()}) {
        if (n >= 0) {
          Node node = g.node(n);
          out.add(new KernelReport.Choice(node.name(), node.op().op().name(),
              kernels[n].implementation()));
        }
      }
    }
    return out;
  }

  /** The kernel of node {@code n} for the shapes and types of values {@code in} and {@code out}. */
  private Kernel selectKernel(Node n, int[] in, int[] out) {
    return selectKernel(n, n.op(), in, out);
  }

  private Kernel selectKernel(Node n, OpInstance<?> op, int[] in, int[] out) {
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

  /** The engine operation of a step of the backward pass (zero fill, seed or backward). */
  Step backwardStep(ExecGraph.Step s) {
    if (s instanceof ExecGraph.Backward b) {
      return backward(b);
    }
    if (s instanceof ExecGraph.Seed seed) {
      return seed(seed);
    }
    if (s instanceof ExecGraph.Zero z) {
      TensorView g = values[z.target()].view();
      return new Step("zero_grad", seeds -> FloatKernels.zero(g.floats(), g.size()), List.of(),
          List.of(values[z.target()].var()), 1);
    }
    throw new IllegalArgumentException("not a backward step: " + s);
  }

  private Step seed(ExecGraph.Seed s) {
    NDArray headGrad = headGrads.get(s.head());
    NDArray target = values[s.target()];
    TensorView src = headGrad.view();
    TensorView dst = target.view();
    return new Step("head_grad", seeds -> FloatKernels.copy(src.floats(), dst.floats(),
        dst.size(), s.add()), List.of(headGrad.var()), List.of(target.var()), 1);
  }

  private OpContext context(Kernel k, boolean train, long seed) {
    if (k.workspaceBytes() == 0) {
      return OpContext.of(train, seed);
    }
    return new OpContext(train, workspaceBytes.duplicate().order(workspaceBytes.order()),
        Randoms.generator(seed));
  }

  /** {@link #context(Kernel, boolean, long)} with the current stamps of {@code inputs}, if any. */
  private OpContext context(Kernel k, boolean train, long seed, Var[] inputs) {
    OpContext ctx = context(k, train, seed);
    if (inputs == null) {
      return ctx;
    }
    long[] stamps = new long[inputs.length];
    for (int i = 0; i < stamps.length; i++) {
      stamps[i] = inputs[i].version();
    }
    return ctx.withInputVersions(stamps);
  }

  /** Runs {@code k}'s forward, timed as operator {@code op} while the profiler runs. */
  private static void timed(String op, Kernel k, OpContext ctx, TensorView[] in,
      TensorView[] out) {
    long began = Profiler.begin();
    k.forward(ctx, in, out);
    Profiler.end(Profiler.OPERATOR, op, began);
  }

  /** The engine operation of a forward step, for training or inference. */
  Step forward(ExecGraph.Forward f, boolean train) {
    if (f.folded() >= 0) {
      return folded(f, train);
    }
    Node n = graph.graph().node(f.node());
    OpInstance<?> op = n.op();
    Kernel kernel = kernels[f.node()];
    TensorView[] in = new TensorView[f.in().length];
    Var[] inVars = new Var[in.length];
    List<Var> reads = new ArrayList<>();
    List<Var> writes = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      NDArray a = values[f.in()[i]];
      in[i] = a.view();
      inVars[i] = a.var();
      (op.mutableInputs().contains(i) && train ? writes : reads).add(a.var());
    }
    // inference: the kernel may keep what it derives from unchanged inputs (reordered weights)
    Var[] stamped = train ? null : inVars;
    TensorView[] out = new TensorView[f.out().length];
    for (int k = 0; k < out.length; k++) {
      NDArray a = values[f.out()[k]];
      out[k] = a.view();
      writes.add(a.var());
    }
    Kernel epilogue = f.epilogue() >= 0 ? kernels[f.epilogue()] : null;
    String opName = op.name();
    String epilogueName = epilogue == null ? null : graph.graph().node(f.epilogue()).op().name();
    Kernel fused = fusedForward[f.node()];
    if (fused != null) {
      // one kernel call; two seeds still, so that later steps draw the same random numbers
      if (fused.workspaceBytes() > 0) {
        writes.add(workspace.var());
      }
      List<Var> w = distinct(writes, List.of());
      String name = n.name() + "+" + graph.graph().node(f.epilogue()).name();
      String fusedName = opName + "+" + epilogueName;
      return new Step(name, seeds -> timed(fusedName, fused, context(fused, train, seeds[0],
          stamped), in, out), distinct(reads, w), w, 2);
    }
    if (kernel.workspaceBytes() > 0 || epilogue != null && epilogue.workspaceBytes() > 0) {
      writes.add(workspace.var());
    }
    List<Var> w = distinct(writes, List.of());
    if (epilogue == null) {
      return new Step(n.name(), seeds -> timed(opName, kernel, context(kernel, train, seeds[0],
          stamped), in, out), distinct(reads, w), w, 1);
    }
    TensorView[] y = {out[0]};
    String name = n.name() + "+" + graph.graph().node(f.epilogue()).name();
    return new Step(name, seeds -> {
      timed(opName, kernel, context(kernel, train, seeds[0], stamped), in, out);
      timed(epilogueName, epilogue, context(epilogue, train, seeds[1]), y, y);
    }, distinct(reads, w), w, 2);
  }

  /**
   * The engine operation of a convolution with a BatchNorm folded in. Inference: fold the
   * current parameters, then the convolution with the folded weights. Training (an inference
   * binding may still run {@code forward(true)}): the convolution, then the BatchNorm in place
   * on its output (an in-place pair BatchNorm declares), with the batch's statistics. Either way
   * the epilogue, if any, follows; three seeds are drawn in both, as the unfolded steps draw.
   */
  private Step folded(ExecGraph.Forward f, boolean train) {
    Node conv = graph.graph().node(f.node());
    Node bn = graph.graph().node(f.folded());
    int nConv = conv.inputs().size();
    List<Var> reads = new ArrayList<>();
    List<Var> writes = new ArrayList<>();
    TensorView[] in = new TensorView[f.in().length];
    Var[] inVars = new Var[in.length];
    for (int i = 0; i < in.length; i++) {
      NDArray a = values[f.in()[i]];
      in[i] = a.view();
      inVars[i] = a.var();
      boolean mutable = i >= nConv && bn.op().mutableInputs().contains(i - nConv + 1);
      (mutable && train ? writes : reads).add(a.var());
    }
    // the fold's sources: weight, bias (the weight again without one), gamma, beta, mean, var
    Var[] sources = {inVars[1], inVars[nConv > 2 ? 2 : 1], inVars[nConv], inVars[nConv + 1],
        inVars[nConv + 2], inVars[nConv + 3]};
    TensorView[] out = views(f.out(), writes);
    TensorView[] y = {out[0]};
    Kernel convK = kernels[f.node()];
    Kernel bnK = kernels[f.folded()];
    Kernel foldedK = foldedKernels[f.node()];
    BatchNormFold fold = folds[f.node()];
    Kernel epilogue = f.epilogue() >= 0 ? kernels[f.epilogue()] : null;
    Kernel fused = train ? null : fusedForward[f.node()];
    if (!train) {
      writes.addAll(fold.vars());
    }
    boolean usesWorkspace = train
        ? convK.workspaceBytes() > 0 || bnK.workspaceBytes() > 0
        : foldedK.workspaceBytes() > 0 || fused != null && fused.workspaceBytes() > 0;
    if (usesWorkspace || epilogue != null && epilogue.workspaceBytes() > 0) {
      writes.add(workspace.var());
    }
    TensorView[] convIn = java.util.Arrays.copyOf(in, nConv);
    TensorView[] bnIn = {out[0], in[nConv], in[nConv + 1], in[nConv + 2], in[nConv + 3]};
    TensorView[] foldedIn = {in[0], fold.weight(), fold.bias()};
    TensorView bias = nConv > 2 ? in[2] : null;
    List<Var> w = distinct(writes, List.of());
    String name = conv.name() + "+" + bn.name()
        + (epilogue != null ? "+" + graph.graph().node(f.epilogue()).name() : "");
    int seeds = epilogue != null ? 3 : 2;
    String convName = conv.op().name();
    String bnName = bn.op().name();
    String epilogueName = epilogue == null ? null : graph.graph().node(f.epilogue()).op().name();
    String foldedName = convName + "+" + bnName + (fused != null ? "+" + epilogueName : "");
    return new Step(name, s -> {
      if (train) {
        timed(convName, convK, context(convK, true, s[0]), convIn, y);
        timed(bnName, bnK, context(bnK, true, s[1]), bnIn, out);
      } else {
        long began = Profiler.begin();
        long[] stamps = new long[sources.length];
        for (int i = 0; i < stamps.length; i++) {
          stamps[i] = sources[i].version();
        }
        fold.update(stamps, in[1], bias, in[nConv], in[nConv + 1], in[nConv + 2],
            in[nConv + 3]);
        Profiler.end(Profiler.OPERATOR, "BatchNorm fold", began);
        // the folded weights' stamp lets the kernel keep its reordered copy of them
        long[] foldedStamps = {inVars[0].version(), fold.version(), fold.version()};
        Kernel k = fused != null ? fused : foldedK; // fused: the epilogue runs inside
        timed(foldedName, k, context(k, false, s[0]).withInputVersions(foldedStamps), foldedIn,
            y);
        if (fused != null) {
          return;
        }
      }
      if (epilogue != null) {
        timed(epilogueName, epilogue, context(epilogue, train, s[2]), y, y);
      }
    }, distinct(reads, w), w, seeds);
  }

  private Step backward(ExecGraph.Backward b) {
    Node n = graph.graph().node(b.node());
    OpInstance<?> op = n.op();
    Kernel kernel = kernels[b.node()];
    List<Var> reads = new ArrayList<>();
    List<Var> writes = new ArrayList<>();
    TensorView[] outGrad = views(b.outGrad(), reads);
    TensorView[] out = views(b.out(), reads);
    TensorView[] in = new TensorView[b.in().length];
    for (int i = 0; i < in.length; i++) {
      if (b.in()[i] >= 0) {
        NDArray a = values[b.in()[i]];
        in[i] = a.view();
        (op.mutableInputs().contains(i) ? writes : reads).add(a.var());
      }
    }
    TensorView[] inGrad = views(b.inGrad(), writes);
    if (kernel.workspaceBytes() > 0) {
      writes.add(workspace.var());
    }
    BackwardArgs args = new BackwardArgs(outGrad, in, out, inGrad, b.req().clone());
    List<Var> w = distinct(writes, List.of());
    String opName = op.name() + "_backward";
    return new Step(n.name() + "_backward", seeds -> {
      long began = Profiler.begin();
      kernel.backward(context(kernel, true, seeds[0]), args);
      Profiler.end(Profiler.OPERATOR, opName, began);
    }, distinct(reads, w), w, 1);
  }

  /** Views of {@code ids} (null where -1), adding their variables to {@code vars}. */
  private TensorView[] views(int[] ids, List<Var> vars) {
    TensorView[] out = new TensorView[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] >= 0) {
        out[i] = values[ids[i]].view();
        vars.add(values[ids[i]].var());
      }
    }
    return out;
  }

  /** {@code vars} without duplicates (by identity) and without any of {@code exclude}. */
  private static List<Var> distinct(List<Var> vars, List<Var> exclude) {
    Set<Var> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.addAll(exclude);
    List<Var> out = new ArrayList<>();
    for (Var v : vars) {
      if (seen.add(v)) {
        out.add(v);
      }
    }
    return List.copyOf(out);
  }
}
