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
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Var;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.TensorView;

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
  private final NDArray workspace;

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
    long maxWorkspace = 0;
    for (ExecGraph.Step s : graph.forwardSteps()) {
      ExecGraph.Forward f = (ExecGraph.Forward) s;
      kernels[f.node()] = selectKernel(g.node(f.node()), f.in(), f.out());
      maxWorkspace = Math.max(maxWorkspace, kernels[f.node()].workspaceBytes());
      if (f.epilogue() >= 0) {
        int[] y = {f.out()[0]};
        kernels[f.epilogue()] = selectKernel(g.node(f.epilogue()), y, y);
        maxWorkspace = Math.max(maxWorkspace, kernels[f.epilogue()].workspaceBytes());
      }
    }
    this.workspace = maxWorkspace == 0 ? null
        : own.apply(NDArray.empty(Shape.of((int) Math.min(maxWorkspace, Integer.MAX_VALUE)),
            DType.UINT8));
  }

  /** The kernel of node {@code n} for the shapes and types of values {@code in} and {@code out}. */
  private Kernel selectKernel(Node n, int[] in, int[] out) {
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
      return n.op().selectKernel(new KernelSignature(inShapes, inTypes, outShapes, outTypes));
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
    return new OpContext(train, workspace.byteBuffer(), Randoms.generator(seed));
  }

  /** The engine operation of a forward step, for training or inference. */
  Step forward(ExecGraph.Forward f, boolean train) {
    Node n = graph.graph().node(f.node());
    OpInstance<?> op = n.op();
    Kernel kernel = kernels[f.node()];
    TensorView[] in = new TensorView[f.in().length];
    List<Var> reads = new ArrayList<>();
    List<Var> writes = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      NDArray a = values[f.in()[i]];
      in[i] = a.view();
      (op.mutableInputs().contains(i) && train ? writes : reads).add(a.var());
    }
    TensorView[] out = new TensorView[f.out().length];
    for (int k = 0; k < out.length; k++) {
      NDArray a = values[f.out()[k]];
      out[k] = a.view();
      writes.add(a.var());
    }
    Kernel epilogue = f.epilogue() >= 0 ? kernels[f.epilogue()] : null;
    if (kernel.workspaceBytes() > 0 || epilogue != null && epilogue.workspaceBytes() > 0) {
      writes.add(workspace.var());
    }
    List<Var> w = distinct(writes, List.of());
    if (epilogue == null) {
      return new Step(n.name(), seeds -> kernel.forward(context(kernel, train, seeds[0]), in,
          out), distinct(reads, w), w, 1);
    }
    TensorView[] y = {out[0]};
    String name = n.name() + "+" + graph.graph().node(f.epilogue()).name();
    return new Step(name, seeds -> {
      kernel.forward(context(kernel, train, seeds[0]), in, out);
      epilogue.forward(context(epilogue, train, seeds[1]), y, y);
    }, distinct(reads, w), w, 2);
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
    return new Step(n.name() + "_backward",
        seeds -> kernel.backward(context(kernel, true, seeds[0]), args), distinct(reads, w), w, 1);
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
