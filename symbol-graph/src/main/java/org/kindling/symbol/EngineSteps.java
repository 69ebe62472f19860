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
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.TensorView;
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
   * numbers of later steps). No work (null) marks a step with nothing to do, which is not pushed
   * (its seeds are still drawn). A step {@code unlessWatched} is pushed only while a monitor
   * watches the pass (an inference Dropout in place, whose kernel only fills the mask a monitor
   * would see, decision 0079).
   */
  record Step(String name, Work work, List<Var> reads, List<Var> writes, int seeds,
      boolean unlessWatched) {
    Step(String name, Work work, List<Var> reads, List<Var> writes, int seeds) {
      this(name, work, reads, writes, seeds, false);
    }
  }

  private final ExecGraph graph;
  private final NDArray[] values;
  /** The layout of each value (null for row-major), or null if every value is row-major. */
  private final Layout[] layouts;
  private final List<NDArray> headGrads;
  private final Kernel[] kernels;
  /** For a convolution with a BatchNorm folded in: its kernel with a bias, and the weights. */
  private final Kernel[] foldedKernels;
  private final BatchNormFold[] folds;
  /** Per node: the kernel that runs its forward with its epilogue inside, or null. */
  private final Kernel[] fusedForward;
  private final Kernels chosen;
  /** True if the executor computes no gradients: its kernels never run backward. */
  private final boolean forwardOnly;
  private final NDArray workspace;
  /**
   * The workspace's bytes, taken once: a step that runs after the executor was closed (its
   * memory is released only after the steps that use it) must not ask the closed array again.
   */
  private final java.nio.ByteBuffer workspaceBytes;
  private final WorkspaceNeed largest;
  /** True if only inference forward steps run here (see the constructor). */
  private final boolean inferenceOnly;

  /**
   * Allocates the workspace of the kernels chosen.
   *
   * @param values the array of each existing value (a value in a layout of its own: its bytes)
   * @param layouts the layout of each value ({@link LayoutPlan}; null for all row-major)
   * @param headGrads the head-gradient array of each head (null where none is seeded)
   * @param own takes ownership of the workspace array and returns it
   * @param inferenceOnly true if only inference forward steps run here (an executor of
   *     laid-out kernels, whose training and monitored forwards run on a row-major twin): the
   *     workspace is then sized by the kernels those steps run alone (decision 0069)
   */
  EngineSteps(ExecGraph graph, Kernels chosen, NDArray[] values, Layout[] layouts,
      List<NDArray> headGrads, UnaryOperator<NDArray> own, boolean inferenceOnly) {
    this.graph = graph;
    this.values = values;
    this.layouts = layouts;
    this.headGrads = headGrads;
    this.chosen = chosen;
    this.kernels = chosen.kernels;
    this.foldedKernels = chosen.foldedKernels;
    this.folds = chosen.folds;
    this.fusedForward = chosen.fusedForward;
    this.forwardOnly = graph.backwardSteps().isEmpty();
    this.inferenceOnly = inferenceOnly;
    Graph g = graph.graph();
    largest = new WorkspaceNeed();
    for (ExecGraph.Step s : graph.forwardSteps()) {
      ExecGraph.Forward f = (ExecGraph.Forward) s;
      Node node = g.node(f.node());
      Kernel epilogue = f.epilogue() >= 0 ? kernels[f.epilogue()] : null;
      Kernel[] run = inferenceOnly
          // what forward(f, false) and folded(f, false) run: the other kernels are the
          // training forward's, which a laid-out executor leaves to its row-major twin
          ? new Kernel[] {chosen.inference(f), chosen.separateEpilogue(f) ? epilogue : null}
          : new Kernel[] {kernels[f.node()], foldedKernels[f.node()],
              f.folded() >= 0 ? kernels[f.folded()] : null, fusedForward[f.node()],
              chosen.summed[f.node()], chosen.inference(f), epilogue};
      for (Kernel k : run) {
        if (k != null) {
          largest.add(need(k), node);
        }
      }
    }
    this.workspace = largest.bytes() == 0 ? null
        : own.apply(NDArray.empty(Shape.of(largest.arrayBytes()), DType.UINT8));
    this.workspaceBytes = workspace == null ? null : workspace.byteBuffer();

  }

  /** The workspace's bytes (0 if none). */
  long workspaceBytes() {
    return largest.bytes();
  }

  /** The node whose kernel needs them, or null. */
  String workspaceNode() {
    return largest.node();
  }

  /** Each node's kernel, in the order the forward pass runs them. */
  List<KernelReport.Choice> choices() {
    return chosen.choices();
  }

  /** The kernel's view of value {@code v}: row-major, or its bytes in its own layout. */
  private TensorView view(int v) {
    Layout l = layouts == null ? null : layouts[v];
    if (l == null || l == Layout.ROW_MAJOR) {
      return values[v].view();
    }
    return new TensorView(values[v].byteBuffer(), graph.dtype(v), graph.shape(v), l);
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

  /**
   * The workspace {@code k} needs here: its inference calls' alone where only those run
   * (decision 0069), its forward plan's where nothing runs backward (which halves oneDNN's
   * workspace of inference), else all of it.
   */
  private long need(Kernel k) {
    return inferenceOnly ? k.inferenceWorkspaceBytes()
        : forwardOnly ? k.forwardWorkspaceBytes() : k.workspaceBytes();
  }

  private OpContext context(Kernel k, boolean train, long seed) {
    if (need(k) == 0) {
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
    if (train && f.sum() >= 0) {
      throw new IllegalStateException("a residual sum runs only in inference");
    }
    if (f.folded() >= 0) {
      return folded(f, train);
    }
    Node n = graph.graph().node(f.node());
    OpInstance<?> op = n.op();
    if (!train && inputsOwnMemory(f, op)) {
      // Flatten or identity over its input's own memory (in place, or the argument itself,
      // IdentityAliases): the copy would move nothing, and an engine operation costs 10-20 us
      return new Step(n.name(), null, List.of(), List.of(), 1);
    }
    // an inference Dropout in place copies nothing either (32-44 us a step in AlexNet's batch-1
    // pass); its kernel runs only to fill the mask of ones for a monitor
    boolean unlessWatched = !train && passesThroughInPlace(f, op);
    Kernel kernel = kernels[f.node()];
    TensorView[] in = new TensorView[f.in().length];
    Var[] inVars = new Var[in.length];
    List<Var> reads = new ArrayList<>();
    List<Var> writes = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      NDArray a = values[f.in()[i]];
      in[i] = view(f.in()[i]);
      inVars[i] = a.var();
      (op.mutableInputs().contains(i) && train ? writes : reads).add(a.var());
    }
    // inference: the kernel may keep what it derives from unchanged inputs (reordered weights)
    Var[] stamped = train ? null : inVars;
    TensorView[] out = new TensorView[f.out().length];
    for (int k = 0; k < out.length; k++) {
      NDArray a = values[f.out()[k]];
      out[k] = view(f.out()[k]);
      writes.add(a.var());
    }
    Kernel epilogue = f.epilogue() >= 0 ? kernels[f.epilogue()] : null;
    String opName = op.name() + (f.sum() >= 0 ? "+sum" : "");
    String epilogueName = epilogue == null ? null : graph.graph().node(f.epilogue()).op().name();
    if (!train) {
      kernel = chosen.inference(f); // fused, summed or laid out
    }
    Kernel fused = train ? fusedForward[f.node()]
        : chosen.separateEpilogue(f) ? null : epilogue != null ? kernel : null;
    if (fused != null) {
      // one kernel call; two seeds still, so that later steps draw the same random numbers
      if (need(fused) > 0) {
        writes.add(workspace.var());
      }
      List<Var> w = distinct(writes, List.of());
      String name = n.name() + "+" + graph.graph().node(f.epilogue()).name();
      String fusedName = opName + "+" + epilogueName;
      return new Step(name, seeds -> timed(fusedName, fused, context(fused, train, seeds[0],
          stamped), in, out), distinct(reads, w), w, sumSeeds(f) + 2);
    }
    if (need(kernel) > 0 || epilogue != null && need(epilogue) > 0) {
      writes.add(workspace.var());
    }
    List<Var> w = distinct(writes, List.of());
    if (epilogue == null) {
      Kernel only = kernel;
      return new Step(n.name(), seeds -> timed(opName, only, context(only, train, seeds[0],
          stamped), in, out), distinct(reads, w), w, sumSeeds(f) + 1, unlessWatched);
    }
    TensorView[] y = {out[0]};
    String name = n.name() + "+" + graph.graph().node(f.epilogue()).name();
    Kernel layer = kernel;
    return new Step(name, seeds -> {
      timed(opName, layer, context(layer, train, seeds[0], stamped), in, out);
      timed(epilogueName, epilogue, context(epilogue, train, seeds[1]), y, y);
    }, distinct(reads, w), w, sumSeeds(f) + 2);
  }

  /**
   * True if {@code f} is an identity-like operator ({@link OpInstance#inplaceIdentity}, whose
   * forward copies its one input) whose output is its input's memory, both row-major: views of
   * one planned block (in place), or of the bound argument ({@link IdentityAliases}).
   */
  private boolean inputsOwnMemory(ExecGraph.Forward f, OpInstance<?> op) {
    if (!op.inplaceIdentity() || f.in().length != 1 || f.out().length != 1
        || f.epilogue() >= 0 || f.sum() >= 0) {
      return false;
    }
    int in = f.in()[0];
    int out = f.out()[0];
    return values[in].sameMemory(values[out]) && rowMajor(in) && rowMajor(out)
        && graph.dtype(in) == graph.dtype(out);
  }

  /**
   * True if {@code f} is, in an inference pass, a pass-through ({@link
   * OpInstance#inferenceIdentity}: Dropout) planned in place over its input, in an executor
   * without backward steps, whose other outputs (Dropout's mask of ones) no step reads and no
   * caller sees but a monitor. Its inference kernel would copy the data onto itself and fill a
   * mask that nothing else reads; a training forward of the same executor still runs the kernel
   * (in place). Such a step has no epilogue, so it takes the kernel-only path of {@link
   * #forward}.
   */
  private boolean passesThroughInPlace(ExecGraph.Forward f, OpInstance<?> op) {
    if (!forwardOnly || op.inplaceIdentity() || !op.inferenceIdentity() || f.in().length != 1
        || f.epilogue() >= 0 || f.folded() >= 0 || f.sum() >= 0) {
      return false;
    }
    int in = f.in()[0];
    int out = f.out()[0];
    if (!values[in].sameMemory(values[out]) || !rowMajor(in) || !rowMajor(out)
        || graph.dtype(in) != graph.dtype(out)) {
      return false;
    }
    for (int k = 1; k < f.out().length; k++) {
      if (graph.pinned(f.out()[k]) || readByAStep(f.out()[k])) {
        return false;
      }
    }
    return true;
  }

  /** True if a forward step reads value {@code v}. */
  private boolean readByAStep(int v) {
    for (ExecGraph.Step s : graph.forwardSteps()) {
      for (int r : s.reads()) {
        if (r == v) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean rowMajor(int v) {
    return layouts == null || layouts[v] == null || layouts[v] == Layout.ROW_MAJOR;
  }

  /** The seed the add a step computes would have drawn as a step of its own. */
  private static int sumSeeds(ExecGraph.Forward f) {
    return f.sum() >= 0 ? 1 : 0;
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
      in[i] = view(f.in()[i]);
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
    BatchNormFold fold = folds[f.node()];
    Kernel epilogue = f.epilogue() >= 0 ? kernels[f.epilogue()] : null;
    // inference: the folded kernel, with the epilogue (and sum) inside where fused, laid out
    Kernel inferK = chosen.inference(f);
    boolean separate = train || chosen.separateEpilogue(f);
    if (!train) {
      writes.addAll(fold.vars());
    }
    boolean usesWorkspace = train
        ? need(convK) > 0 || need(bnK) > 0
        : need(inferK) > 0;
    if (usesWorkspace || epilogue != null && need(epilogue) > 0) {
      writes.add(workspace.var());
    }
    TensorView[] convIn = java.util.Arrays.copyOf(in, nConv);
    TensorView[] bnIn = {out[0], in[nConv], in[nConv + 1], in[nConv + 2], in[nConv + 3]};
    TensorView[] foldedIn = f.sum() >= 0
        ? new TensorView[] {in[0], fold.weight(), fold.bias(), in[f.addend()]}
        : new TensorView[] {in[0], fold.weight(), fold.bias()};
    Var addendVar = f.sum() >= 0 ? inVars[f.addend()] : null;
    TensorView bias = nConv > 2 ? in[2] : null;
    List<Var> w = distinct(writes, List.of());
    String name = conv.name() + "+" + bn.name()
        + (epilogue != null ? "+" + graph.graph().node(f.epilogue()).name() : "");
    int seeds = (epilogue != null ? 3 : 2) + sumSeeds(f);
    String convName = conv.op().name();
    String bnName = bn.op().name();
    String epilogueName = epilogue == null ? null : graph.graph().node(f.epilogue()).op().name();
    String foldedName = convName + "+" + bnName + (f.sum() >= 0 ? "+sum" : "")
        + (!separate && epilogue != null ? "+" + epilogueName : "");
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
        long[] foldedStamps = addendVar == null
            ? new long[] {inVars[0].version(), fold.version(), fold.version()}
            : new long[] {inVars[0].version(), fold.version(), fold.version(),
                addendVar.version()};
        timed(foldedName, inferK, context(inferK, false, s[0])
            .withInputVersions(foldedStamps), foldedIn, y);
      }
      if (epilogue != null && separate) {
        timed(epilogueName, epilogue, context(epilogue, train, s[s.length - 1]), y, y);
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
    if (need(kernel) > 0) {
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
        out[i] = view(ids[i]);
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
