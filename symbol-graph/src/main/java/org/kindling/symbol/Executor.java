package org.kindling.symbol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.kindling.symbol.graph.ExecGraph;
import org.kindling.symbol.graph.GradientPass;
import org.kindling.symbol.graph.GradientPlan;
import org.kindling.symbol.graph.Graph;
import org.kindling.symbol.graph.MemoryPlan;
import org.kindling.symbol.graph.MemoryPlanner;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.symbol.graph.ShapeInference;
import org.kindling.symbol.graph.TypeInference;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.NDScope;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.Var;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.tensor.storage.Storage;

/**
 * A symbol bound to arrays, as MXNet's {@code Executor}. Everything is decided at bind time:
 * shapes and types are inferred, the graph is lowered to forward and backward steps
 * ({@link ExecGraph}; an activation runs inside the layer before it where {@link
 * org.kindling.symbol.graph.Fusion} allows), the memory of every operator output and internal
 * gradient is planned ({@link MemoryPlanner}: in-place reuse and co-sharing of buffers whose
 * lifetimes do not overlap), all as {@link PlanOptions} allow (by default as the system
 * properties say: on unless turned off),
 * a kernel is chosen for every node from its operator's registered kernels (so an accelerated
 * backend takes over per node where its conditions hold), and one workspace large enough for
 * every kernel's scratch space is allocated; {@link #forward} and {@link #backward} only push
 * work.
 *
 * <p>Each node runs as one engine operation that reads its inputs' variables and writes its
 * outputs' (and its mutable inputs', such as BatchNorm's moving statistics); backward reads what
 * the operator's {@link BackwardDeps} declare and writes the input gradients. Planned values are
 * views of shared blocks and carry their block's engine variable, so a value written into a block
 * waits for the earlier readers of the block's previous value. Kernels that use the workspace also
 * write its variable, so they never share it concurrently. Independent nodes overlap, and a later
 * forward waits only for what it needs. Both calls return at once; read results through
 * {@link #outputs()} ({@code toFloatArray} waits).
 *
 * <p>The outputs (the heads: a network's last layer, or the internal outputs a symbol selects)
 * are never planned over: they keep their values until the next {@link #forward}. Other
 * intermediate values are gone once their last reader has run; watch them with
 * {@link #setMonitor}.
 *
 * <p>{@link #backward()} needs no head gradient for loss heads such as {@code SoftmaxOutput};
 * other heads get a gradient of ones unless {@link #backward(List)} gives one.
 *
 * <p>An executor is driven from one thread at a time. It owns its internal arrays and releases
 * them on {@link #close()}; the argument, gradient and auxiliary arrays given to bind stay the
 * caller's. {@link #reshape} binds for other input shapes sharing this executor's arrays and
 * memory, and {@link Symbol#bind(Map, Map, Map, Map, PlanOptions, Executor)} binds sharing
 * another executor's memory (MXNet's bucketing); executors that share memory must not run at the
 * same time.
 */
public final class Executor implements AutoCloseable {
  private final Symbol symbol;
  private final Engine engine;
  private final Map<String, NDArray> argDict;
  private final Map<String, NDArray> gradDict;
  private final Map<String, GradReq> reqs;
  private final Map<String, NDArray> auxDict;
  private final ExecGraph graph;
  /** The layout of each value (null: row-major), or null if all are row-major. */
  private final Layout[] layouts;
  /**
   * True if the inference steps keep values in their kernels' layouts or add residuals inside
   * convolutions: a training forward, and a forward a monitor watches, then run on {@link
   * #rowMajor}.
   */
  private final boolean laidOut;
  /** This symbol bound over the same arrays without layouts and sums, made on first need. */
  private Executor rowMajor;
  private final PlanOptions options;
  private final MemoryPlan plan;
  /** Per value, the bound argument it is an alias of ({@link IdentityAliases}), or -1. */
  private final int[] aliases;
  /** Where the planned blocks come from: this executor's own, or shared with others. */
  private final BlockPool pool;
  /** Bytes of the blocks this executor added to its pool (the rest it took from the pool). */
  private final long allocatedBlockBytes;
  /** The kernel workspace's bytes and the node that needs them all. */
  private long workspaceBytes;
  private String workspaceNode;
  private final NDArray[] values;
  private final List<NDArray> outputs;
  private final List<NDArray> headGrads;
  /** Arrays this executor allocated and closes. */
  private final List<NDArray> owned = new ArrayList<>();
  private final List<EngineSteps.Step> trainForward = new ArrayList<>();
  private final List<EngineSteps.Step> inferForward = new ArrayList<>();
  private final List<EngineSteps.Step> backwardSteps = new ArrayList<>();
  private final List<KernelReport.Choice> kernels;
  private BiConsumer<String, NDArray> monitor;
  /** True once forward ran, false again after a backward over a plan that shares blocks. */
  private boolean valuesFresh;
  private boolean closed;

  Executor(
      Symbol symbol,
      Map<String, NDArray> args,
      Map<String, NDArray> argGrads,
      Map<String, GradReq> gradReqs,
      Map<String, NDArray> aux,
      PlanOptions options,
      BlockPool sharedPool) {
    this.symbol = symbol;
    this.options = options;
    this.engine = Engines.get();
    Graph g = symbol.graph();
    this.argDict = collect(g.argumentNames(), args, "argument");
    this.auxDict = collect(g.auxiliaryNames(), aux, "auxiliary state");

    Map<String, Shape> known = new LinkedHashMap<>();
    Map<String, DType> knownTypes = new LinkedHashMap<>();
    argDict.forEach((k, v) -> {
      known.put(k, v.shape());
      knownTypes.put(k, v.dtype());
    });
    auxDict.forEach((k, v) -> {
      known.put(k, v.shape());
      knownTypes.put(k, v.dtype());
    });
    Shape[] shapes = ShapeInference.infer(g, known);
    for (int e = 0; e < shapes.length; e++) {
      if (shapes[e] == null) {
        throw new IllegalArgumentException("bind: the shape of an internal output of "
            + describeEntry(g, e) + " cannot be inferred from the given arrays");
      }
    }
    DType[] types = TypeInference.infer(g, knownTypes);
    checkArraySizes(g, shapes, types);
    this.reqs = new LinkedHashMap<>();
    this.gradDict = new LinkedHashMap<>();
    checkGradients(g, argGrads, gradReqs);

    GradientPlan gradients = GradientPass.plan(g, reqs);
    ExecGraph lowered = ExecGraph.of(g, shapes, types, gradients, options.fuse(),
        options.fold());
    Kernels chosen;
    Layout[] laid = null;
    try {
      chosen = new Kernels(lowered, null, this::own);
      if (options.blocked() && lowered.backwardSteps().isEmpty()) {
        // inference: residual sums inside the convolutions whose kernels can add, then layouts
        Kernels first = chosen;
        // and the relus after BatchNorms inside the BatchNorms' calls (decision 0059)
        ExecGraph summed = ExecGraph.of(g, shapes, types, gradients, options.fuse(),
            options.fold(), first::canSum, first::canFuseNorm);
        if (hasSums(summed) || hasNormEpilogue(summed)) {
          lowered = summed;
          chosen = new Kernels(summed, first, this::own);
        }
        laid = LayoutPlan.plan(lowered, chosen);
      }
    } catch (RuntimeException e) {
      owned.forEach(NDArray::close); // a kernel refused: give back what was taken
      throw e;
    }
    this.graph = lowered;
    this.layouts = laid;
    this.laidOut = laid != null || hasSums(lowered) || hasNormEpilogue(lowered);
    this.aliases = IdentityAliases.of(graph, layouts);
    boolean[] elsewhere = new boolean[aliases.length];
    for (int v = 0; v < aliases.length; v++) {
      elsewhere[v] = aliases[v] >= 0;
    }
    this.plan = MemoryPlanner.plan(graph, options, layouts, elsewhere);
    this.pool = sharedPool != null ? sharedPool : new BlockPool();
    BlockPool.Blocks blocks = pool.take(plan);
    try {
      this.allocatedBlockBytes = blocks.allocatedBytes();
      this.values = materialize(blocks.arrays());
      List<NDArray> outs = new ArrayList<>();
      List<NDArray> heads = new ArrayList<>();
      for (int h = 0; h < g.outputs().size(); h++) {
        outs.add(values[g.entryId(g.outputs().get(h))]);
        heads.add(null);
      }
      for (ExecGraph.Step s : graph.backwardSteps()) {
        if (s instanceof ExecGraph.Seed seed && heads.get(seed.head()) == null) {
          int e = g.entryId(g.outputs().get(seed.head()));
          NDArray ones = own(NDArray.zeros(shapes[e], types[e]));
          ones.fill(1f);
          heads.set(seed.head(), ones);
        }
      }
      this.outputs = Collections.unmodifiableList(outs);
      this.headGrads = Collections.unmodifiableList(heads);

      EngineSteps steps = new EngineSteps(graph, chosen, values, layouts, headGrads,
          this::own, laidOut);
      this.kernels = List.copyOf(steps.choices());
      this.workspaceBytes = steps.workspaceBytes();
      this.workspaceNode = steps.workspaceNode();
      for (ExecGraph.Step s : graph.forwardSteps()) {
        if (!laidOut) { // else a training forward runs on the row-major twin
          trainForward.add(steps.forward((ExecGraph.Forward) s, true));
        }
        inferForward.add(steps.forward((ExecGraph.Forward) s, false));
      }
      for (ExecGraph.Step s : graph.backwardSteps()) {
        backwardSteps.add(steps.backwardStep(s));
      }
    } catch (RuntimeException e) {
      owned.forEach(NDArray::close); // a kernel refused: give back what was taken
      pool.release();
      throw e;
    }
    KernelReport.log(kernels);
  }

  /** True if a BatchNorm's step of {@code g} runs an activation as its epilogue. */
  private static boolean hasNormEpilogue(ExecGraph g) {
    for (ExecGraph.Step s : g.forwardSteps()) {
      ExecGraph.Forward f = (ExecGraph.Forward) s;
      if (f.epilogue() >= 0 && g.graph().node(f.node()).op().op() instanceof BatchNorm) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasSums(ExecGraph g) {
    for (ExecGraph.Step s : g.forwardSteps()) {
      if (((ExecGraph.Forward) s).sum() >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Makes this executor own {@code arrays} (bound by whoever made it), so it closes them. */
  public void adopt(Iterable<NDArray> arrays) {
    for (NDArray a : arrays) {
      own(a);
    }
  }

  private NDArray own(NDArray a) {
    owned.add(NDScope.unscoped(a));
    return a;
  }

  /** Fills {@link #reqs} and {@link #gradDict}, checking the gradient arrays. */
  private void checkGradients(Graph g, Map<String, NDArray> argGrads,
      Map<String, GradReq> gradReqs) {
    Set<Var> valueVars = Collections.newSetFromMap(new IdentityHashMap<>());
    argDict.values().forEach(a -> valueVars.add(a.var()));
    auxDict.values().forEach(a -> valueVars.add(a.var()));
    Set<Var> gradVars = Collections.newSetFromMap(new IdentityHashMap<>());
    for (String name : g.argumentNames()) {
      NDArray grad = argGrads.get(name);
      GradReq r = gradReqs.getOrDefault(name, grad != null ? GradReq.WRITE : GradReq.NULL);
      reqs.put(name, r);
      if (r == GradReq.NULL) {
        continue;
      }
      if (grad == null) {
        throw new IllegalArgumentException(
            "bind: argument '" + name + "' has grad_req " + r.mxName() + " but no gradient array");
      }
      NDArray value = argDict.get(name);
      if (!grad.shape().equals(value.shape()) || grad.dtype() != value.dtype()) {
        throw new IllegalArgumentException("bind: gradient of '" + name + "' is "
            + grad.dtype().numpyName() + grad.shape() + " but the argument is "
            + value.dtype().numpyName() + value.shape());
      }
      if (valueVars.contains(grad.var()) || !gradVars.add(grad.var())) {
        throw new IllegalArgumentException("bind: gradient array of '" + name
            + "' shares storage with another argument or gradient array");
      }
      gradDict.put(name, grad);
    }
  }

  /**
   * The array of every value: the given arrays for variables and their gradients, views of the
   * planned blocks for the rest (every planned value is written before it is read).
   */
  private NDArray[] materialize(NDArray[] blocks) {
    NDArray[] out = new NDArray[graph.numValues()];
    Graph g = graph.graph();
    int[] alias = aliases;
    for (int v = 0; v < out.length; v++) {
      if (graph.external(v) && graph.exists(v)) {
        String name = g.node(graph.node(v)).name();
        out[v] = graph.isGradient(v) ? gradDict.get(name)
            : argDict.containsKey(name) ? argDict.get(name) : auxDict.get(name);
      } else if (alias[v] >= 0) {
        // filled below, once the argument's array is there
      } else if (graph.planned(v) && layouts != null && layouts[v] != null) {
        // its bytes in the layout of its kernels (a blocked layout pads the channels)
        long bytes = layouts[v].bytes(graph.shape(v), graph.dtype(v));
        out[v] = own(blocks[plan.block(v)].viewAs(Shape.of(Math.toIntExact(bytes)),
            DType.UINT8));
      } else if (graph.planned(v)) {
        out[v] = own(blocks[plan.block(v)].viewAs(graph.shape(v), graph.dtype(v)));
      }
    }
    for (int v = 0; v < out.length; v++) {
      if (alias[v] >= 0) {
        // the identity's output is the argument itself (IdentityAliases): its step then copies
        // nothing and is not pushed (EngineSteps); a reshape views it in the output's shape
        NDArray a = out[alias[v]];
        out[v] = a.shape().equals(graph.shape(v)) ? a : own(a.reshape(graph.shape(v)));
      }
    }
    return out;
  }

  private static Map<String, NDArray> collect(
      List<String> names, Map<String, NDArray> given, String what) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (String name : names) {
      NDArray a = given.get(name);
      if (a == null) {
        throw new IllegalArgumentException(
            "bind: no array for " + what + " '" + name + "' (needed: " + names + ")");
      }
      out.put(name, a);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Fails, before anything is allocated, where an internal output cannot be one array ({@link
   * Storage#MAX_ARRAY_BYTES}), naming the node, its shape and bytes and the largest leading
   * dimension (the batch, for a network) that would fit; else the allocation of its memory
   * block would fail with an overflow and no name.
   */
  static void checkArraySizes(Graph g, Shape[] shapes, DType[] types) {
    for (int e = 0; e < shapes.length; e++) {
      long bytes = shapes[e].size() * (long) types[e].byteSize();
      if (bytes > Storage.MAX_ARRAY_BYTES) {
        int lead = shapes[e].ndim() == 0 ? 1 : shapes[e].get(0);
        long perRow = Math.max(1, bytes / lead);
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "bind: the output of %s, %s %s, is %d bytes (%s); one Kindling array holds at most"
                + " %d bytes (%s): bind a smaller batch (its first axis fits at most %d)",
            describeEntry(g, e), shapes[e], types[e].numpyName(), bytes, Storage.human(bytes),
            Storage.MAX_ARRAY_BYTES, Storage.human(Storage.MAX_ARRAY_BYTES),
            Storage.MAX_ARRAY_BYTES / perRow));
      }
    }
  }

  private static String describeEntry(Graph g, int entry) {
    for (int id = 0; id < g.numNodes(); id++) {
      if (g.entryId(id, 0) <= entry && entry < g.entryId(id, 0) + g.node(id).numOutputs()) {
        return "node " + g.node(id).describe();
      }
    }
    return "entry " + entry;
  }

  private void push(EngineSteps.Step s) {
    long[] seeds = new long[s.seeds()];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = Randoms.nextSeed(); // drawn in program order: reproducible whatever the timing
    }
    if (s.work() == null || s.unlessWatched() && monitor == null) {
      // an identity over its own input's memory, or an inference Dropout in place no monitor
      // watches (decision 0079): nothing to do, nothing to order
      return;
    }
    engine.push(s.name(), () -> s.work().run(seeds), s.reads(), s.writes());
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the executor is closed");
    }
  }

  /** Refuses to run over arrays their owner has closed (their memory may hold other data). */
  private void requireOpenArrays() {
    requireOpen();
    requireOpen(argDict, "argument");
    requireOpen(gradDict, "gradient of");
    requireOpen(auxDict, "auxiliary state");
  }

  private static void requireOpen(Map<String, NDArray> arrays, String what) {
    for (Map.Entry<String, NDArray> a : arrays.entrySet()) {
      if (a.getValue().isClosed()) {
        throw new IllegalStateException("the " + what + " '" + a.getKey() + "' bound to this"
            + " executor is closed (by its owner: the caller, or the executor this one was"
            + " reshaped from or shares parameters with, which must stay open while it is used)");
      }
    }
  }

  /**
   * Pushes the forward pass. Returns at once.
   *
   * @param isTrain true for training (operators such as Dropout and BatchNorm behave
   *     differently)
   */
  public void forward(boolean isTrain) {
    requireOpenArrays();
    if (laidOut && (isTrain || monitor != null)) {
      forwardRowMajor(isTrain);
      return;
    }
    List<EngineSteps.Step> steps = isTrain ? trainForward : inferForward;
    for (int i = 0; i < steps.size(); i++) {
      push(steps.get(i));
      if (monitor != null) {
        for (int v : ((ExecGraph.Forward) graph.forwardSteps().get(i)).out()) {
          monitor.accept(graph.name(v), values[v]);
        }
      }
    }
    valuesFresh = true;
  }

  /**
   * Runs the forward pass on this symbol bound over the same arguments and auxiliary states
   * with every value row-major (made on first need, with memory of its own), and copies its
   * outputs into this executor's: what a training forward of an inference binding and a
   * monitored forward see, the values as the graph defines them.
   */
  private void forwardRowMajor(boolean isTrain) {
    if (rowMajor == null) {
      rowMajor = symbol.bind(argDict, gradDict, reqs, auxDict, options.withBlocked(false), null);
    }
    rowMajor.setMonitor(monitor);
    rowMajor.forward(isTrain);
    for (int h = 0; h < outputs.size(); h++) {
      rowMajor.outputs().get(h).copyTo(outputs.get(h));
    }
    valuesFresh = true;
  }

  /**
   * Sets the monitor (MXNet's {@code set_monitor_callback}), or removes it with null: during
   * {@link #forward}, right after each node's operation is pushed, it is called on the calling
   * thread with each of the node's outputs (hidden ones included), named as
   * {@code list_outputs} names them ({@code fc1_output}). The array holds that output once the
   * engine has run the node: use it inside the callback through NDArray operations (which the
   * engine orders after the node) or waits ({@code toFloatArray}); do not keep it, for with memory
   * planning its buffer holds another value once later nodes run. The array stays the
   * executor's: do not close it.
   */
  public void setMonitor(BiConsumer<String, NDArray> callback) {
    this.monitor = callback;
  }

  /**
   * Pushes the backward pass with the default head gradients (none for loss heads, ones for
   * others). Gradients land in {@link #gradArrays()} per their {@link GradReq}.
   *
   * @throws IllegalStateException if {@link #forward} was never called, or, when the memory
   *     plan shares buffers, not since the last backward (which may have reused the forward
   *     values it read)
   */
  public void backward() {
    requireOpenArrays();
    if (!valuesFresh) {
      throw new IllegalStateException("backward() needs a forward() first, and again after each"
          + " backward() when the memory plan shares buffers (backward's own values reuse those"
          + " of the forward values it has read): run forward(true) first, or bind with"
          + " PlanOptions.OFF");
    }
    for (EngineSteps.Step s : backwardSteps) {
      push(s);
    }
    valuesFresh = !plan.sharesBlocks();
  }

  /**
   * The kernel each node got when this executor was bound (a folded BatchNorm and a fused
   * activation included), in the order the forward pass runs them; {@link KernelReport#summary}
   * summarizes them.
   */
  public List<KernelReport.Choice> kernels() {
    return kernels;
  }

  /**
   * The values an inference forward keeps in a layout of their kernels' backend (oneDNN's
   * blocked formats, {@link org.kindling.tensor.op.LayoutAware}) rather than row-major, by name
   * as {@code list_outputs} names them ({@code conv1_output}), in the order they are written;
   * empty with {@link PlanOptions#blocked} off, for a binding with gradients, and where no two
   * consecutive kernels share a layout.
   */
  public Map<String, Layout> valueLayouts() {
    Map<String, Layout> out = new LinkedHashMap<>();
    if (layouts != null) {
      for (int v = 0; v < layouts.length; v++) {
        if (layouts[v] != null) {
          out.put(graph.name(v), layouts[v]);
        }
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** The memory plan of this executor's values (see {@link MemoryPlanner}). */
  public MemoryPlan memoryPlan() {
    return plan;
  }

  /**
   * Bytes of the internal blocks this executor allocated at bind time: all of its plan's
   * ({@link MemoryPlan#totalBytes()}) when bound alone, fewer when bound sharing another
   * executor's memory (pooled blocks large enough are reused).
   */
  public long allocatedBlockBytes() {
    return allocatedBlockBytes;
  }

  /**
   * Bytes of the one kernel workspace this executor allocated at bind time (0 if none), which
   * every kernel call of the executor shares: the largest of what its kernels need.
   */
  public long workspaceBytes() {
    return workspaceBytes;
  }

  /** The node whose kernel needs {@link #workspaceBytes()} (null if none needs any). */
  public String workspaceNode() {
    return workspaceNode;
  }

  /** The memory this executor's internal blocks come from, for executors that share it. */
  BlockPool pool() {
    requireOpen();
    return pool;
  }

  /**
   * As {@link #reshape(Map, boolean, boolean) reshape(inputShapes, false, false)}: arrays may
   * only shrink, and only the given inputs may change shape.
   */
  public Executor reshape(Map<String, Shape> inputShapes) {
    return reshape(inputShapes, false, false);
  }

  /**
   * A new executor for other input shapes (another batch size) that shares this one's memory,
   * as MXNet's {@code Executor.reshape(partial_shaping, allow_up_sizing, **shapes)}. Shapes are
   * inferred from {@code inputShapes}. Every argument, gradient and auxiliary array whose shape
   * stays is the same {@link NDArray} (parameters are shared, not copied); one that shrinks is a
   * view of this executor's array (sharing its memory); one that grows is a new array (zeroed).
   * Internal values take this executor's blocks where they are large enough ({@link
   * #allocatedBlockBytes()} counts the rest), with the same gradient requests and plan options.
   *
   * <p>The two executors share state: they must not run at the same time (running one
   * overwrites the other's values, outputs included), and the arrays they share stay owned by
   * whoever owned them here (this executor, for {@link Symbol#simpleBind}), which must stay
   * open while the new one is used. The new executor owns only the arrays it allocated or
   * viewed; closing the two in either order is safe for their internal memory.
   *
   * @param inputShapes new shapes by argument name, e.g. {@code data -> (32, 3, 224, 224)}
   * @param partialShaping allow arguments and auxiliary states not in {@code inputShapes} to
   *     change shape (they then no longer share this executor's array, unless they shrink)
   * @param allowUpSizing allow arrays larger than this executor's (new arrays are allocated)
   * @throws IllegalArgumentException naming an argument or auxiliary state not given whose shape
   *     would change (without {@code partialShaping}), or an array that would grow (without
   *     {@code allowUpSizing}), or shapes that do not fit the symbol
   */
  public Executor reshape(Map<String, Shape> inputShapes, boolean partialShaping,
      boolean allowUpSizing) {
    requireOpen();
    Reshaping r = Reshaping.of(this, inputShapes, partialShaping, allowUpSizing);
    Executor e;
    try {
      e = symbol.bind(r.args(), r.grads(), reqs, r.aux(), options, this);
    } catch (RuntimeException ex) {
      r.owned().forEach(NDArray::close);
      throw ex;
    }
    e.adopt(r.owned());
    return e;
  }

  /**
   * Pushes the backward pass with explicit gradients for the heads; entries for loss heads may
   * be null (they are not read).
   */
  public void backward(List<NDArray> headGradients) {
    if (headGradients.size() != outputs.size()) {
      throw new IllegalArgumentException("backward: " + headGradients.size()
          + " head gradients for " + outputs.size() + " outputs");
    }
    for (int h = 0; h < outputs.size(); h++) {
      NDArray given = headGradients.get(h);
      if (headGrads.get(h) != null && given != null) {
        given.copyTo(headGrads.get(h));
      }
    }
    backward();
  }

  /** Output arrays in {@code listOutputs} order (owned by the executor). */
  public List<NDArray> outputs() {
    return outputs;
  }

  /** Argument arrays in {@code listArguments} order. */
  public List<NDArray> argArrays() {
    return List.copyOf(argDict.values());
  }

  /** Argument arrays by name. */
  public Map<String, NDArray> argDict() {
    return argDict;
  }

  /** Gradient arrays in {@code listArguments} order; null where the request is NULL. */
  public List<NDArray> gradArrays() {
    List<NDArray> out = new ArrayList<>();
    for (String name : argDict.keySet()) {
      out.add(gradDict.get(name));
    }
    return Collections.unmodifiableList(out);
  }

  /** Gradient arrays by argument name (only arguments whose request is not NULL). */
  public Map<String, NDArray> gradDict() {
    return Collections.unmodifiableMap(gradDict);
  }

  /** The gradient request of each argument. */
  public Map<String, GradReq> gradReqs() {
    return Collections.unmodifiableMap(reqs);
  }

  /** Auxiliary-state arrays in {@code listAuxiliaryStates} order. */
  public List<NDArray> auxArrays() {
    return List.copyOf(auxDict.values());
  }

  /** Auxiliary-state arrays by name. */
  public Map<String, NDArray> auxDict() {
    return auxDict;
  }

  /** The bound symbol. */
  public Symbol symbol() {
    return symbol;
  }

  /**
   * Releases the arrays this executor allocated (outputs, internal gradients, workspace) once
   * the work already pushed has finished, and its internal blocks unless executors sharing them
   * are still open. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (rowMajor != null) {
      rowMajor.close();
    }
    for (NDArray a : owned) {
      a.close();
    }
    pool.release();
  }
}
