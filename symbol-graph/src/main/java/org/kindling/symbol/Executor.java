package org.kindling.symbol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kindling.symbol.graph.GradientPass;
import org.kindling.symbol.graph.GradientPlan;
import org.kindling.symbol.graph.Graph;
import org.kindling.symbol.graph.Node;
import org.kindling.symbol.graph.ShapeInference;
import org.kindling.symbol.graph.TypeInference;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.NDScope;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.Var;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.TensorView;

/**
 * A symbol bound to arrays, as MXNet's {@code Executor}. Everything is decided at bind time:
 * shapes and types are inferred, every intermediate output and internal gradient is allocated,
 * a kernel is chosen for every node from its operator's registered kernels (so an accelerated
 * backend takes over per node where its conditions hold), and one workspace large enough for
 * every kernel's scratch space is allocated; {@link #forward} and {@link #backward} only push
 * work.
 *
 * <p>Each node runs as one engine operation that reads its inputs' variables and writes its
 * outputs' (and its mutable inputs', such as BatchNorm's moving statistics); backward reads what
 * the operator's {@link BackwardDeps} declare and writes the input gradients. Kernels that use the
 * workspace also write its variable, so they never share it concurrently. Independent nodes
 * overlap, and a later forward waits only for what it needs. Both calls return at once; read
 * results through {@link #outputs()} ({@code toFloatArray} waits).
 *
 * <p>{@link #backward()} needs no head gradient for loss heads such as {@code SoftmaxOutput};
 * other heads get a gradient of ones unless {@link #backward(List)} gives one.
 *
 * <p>An executor is driven from one thread at a time. It owns its internal arrays and releases
 * them on {@link #close()}; the argument, gradient and auxiliary arrays given to bind stay the
 * caller's.
 */
public final class Executor implements AutoCloseable {
  /** One node's work, given the random seed drawn when it is pushed. */
  private interface Work {
    void run(long seed);
  }

  /** One engine operation prepared at bind time. */
  private record Step(String name, Work work, List<Var> reads, List<Var> writes) {}

  private final Symbol symbol;
  private final Engine engine;
  private final Map<String, NDArray> argDict;
  private final Map<String, NDArray> gradDict;
  private final Map<String, GradReq> reqs;
  private final Map<String, NDArray> auxDict;
  private final List<NDArray> outputs;
  private final List<NDArray> headGrads;
  /** Arrays this executor allocated and closes. */
  private final List<NDArray> owned = new ArrayList<>();
  private final NDArray workspace;
  private final List<Step> trainForward = new ArrayList<>();
  private final List<Step> inferForward = new ArrayList<>();
  private final List<Step> backwardSteps = new ArrayList<>();
  private boolean forwardDone;
  private boolean closed;

  Executor(
      Symbol symbol,
      Map<String, NDArray> args,
      Map<String, NDArray> argGrads,
      Map<String, GradReq> gradReqs,
      Map<String, NDArray> aux) {
    this.symbol = symbol;
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

    this.reqs = new LinkedHashMap<>();
    this.gradDict = new LinkedHashMap<>();
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

    NDArray[] values = new NDArray[g.numEntries()];
    for (int id = 0; id < g.numNodes(); id++) {
      Node n = g.node(id);
      if (n.isVariable()) {
        NDArray a = argDict.containsKey(n.name()) ? argDict.get(n.name()) : auxDict.get(n.name());
        values[g.entryId(id, 0)] = a;
      } else {
        for (int k = 0; k < n.numOutputs(); k++) {
          int e = g.entryId(id, k);
          values[e] = own(NDArray.zeros(shapes[e], types[e]));
        }
      }
    }
    GradientPlan plan = GradientPass.plan(g, reqs);
    NDArray[] grads = new NDArray[g.numEntries()];
    for (int id = 0; id < g.numNodes(); id++) {
      Node n = g.node(id);
      for (int k = 0; k < n.numOutputs(); k++) {
        int e = g.entryId(id, k);
        if (n.isVariable()) {
          grads[e] = gradDict.get(n.name());
        } else if (plan.needsGrad(e)) {
          grads[e] = own(NDArray.zeros(shapes[e], types[e]));
        }
      }
    }
    List<NDArray> outs = new ArrayList<>();
    List<NDArray> heads = new ArrayList<>();
    for (int e : plan.zeroFill()) {
      backwardSteps.add(zeroStep(grads[e]));
    }
    for (int h = 0; h < g.outputs().size(); h++) {
      int e = g.entryId(g.outputs().get(h));
      outs.add(values[e]);
      if (plan.headSeed(h) == GradReq.NULL) {
        heads.add(null);
      } else {
        NDArray ones = own(NDArray.zeros(shapes[e], types[e]));
        ones.fill(1f);
        heads.add(ones);
        backwardSteps.add(seedStep(ones, grads[e], plan.headSeed(h) == GradReq.ADD));
      }
    }
    this.outputs = Collections.unmodifiableList(outs);
    this.headGrads = Collections.unmodifiableList(heads);

    Kernel[] kernels = new Kernel[g.numNodes()];
    long maxWorkspace = 0;
    for (int id = 0; id < g.numNodes(); id++) {
      Node n = g.node(id);
      if (!n.isVariable()) {
        kernels[id] = selectKernel(g, id, shapes, types);
        maxWorkspace = Math.max(maxWorkspace, kernels[id].workspaceBytes());
      }
    }
    this.workspace = maxWorkspace == 0 ? null
        : own(NDArray.empty(Shape.of((int) Math.min(maxWorkspace, Integer.MAX_VALUE)),
            DType.UINT8));
    for (int id = 0; id < g.numNodes(); id++) {
      if (!g.node(id).isVariable()) {
        trainForward.add(forwardStep(g, id, kernels[id], values, true));
        inferForward.add(forwardStep(g, id, kernels[id], values, false));
      }
    }
    for (GradientPlan.Step s : plan.steps()) {
      backwardSteps.add(backwardStep(g, s, kernels[s.nodeId()], values, grads));
    }
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

  private static Kernel selectKernel(Graph g, int id, Shape[] shapes, DType[] types) {
    Node n = g.node(id);
    int ni = n.inputs().size();
    Shape[] inShapes = new Shape[ni];
    DType[] inTypes = new DType[ni];
    for (int i = 0; i < ni; i++) {
      int e = g.entryId(n.inputs().get(i));
      inShapes[i] = shapes[e];
      inTypes[i] = types[e];
    }
    Shape[] outShapes = new Shape[n.numOutputs()];
    DType[] outTypes = new DType[n.numOutputs()];
    for (int k = 0; k < outShapes.length; k++) {
      outShapes[k] = shapes[g.entryId(id, k)];
      outTypes[k] = types[g.entryId(id, k)];
    }
    try {
      return n.op().selectKernel(new KernelSignature(inShapes, inTypes, outShapes, outTypes));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bind: node " + n.describe() + ": " + e.getMessage(), e);
    }
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

  private static String describeEntry(Graph g, int entry) {
    for (int id = 0; id < g.numNodes(); id++) {
      if (g.entryId(id, 0) <= entry && entry < g.entryId(id, 0) + g.node(id).numOutputs()) {
        return "node " + g.node(id).describe();
      }
    }
    return "entry " + entry;
  }

  private static Step seedStep(NDArray headGrad, NDArray target, boolean add) {
    TensorView src = headGrad.view();
    TensorView dst = target.view();
    return new Step("head_grad", seed -> FloatKernels.copy(src.floats(), dst.floats(),
        dst.size(), add), List.of(headGrad.var()), List.of(target.var()));
  }

  private static Step zeroStep(NDArray grad) {
    TensorView g = grad.view();
    return new Step("zero_grad", seed -> FloatKernels.zero(g.floats(), g.size()), List.of(),
        List.of(grad.var()));
  }

  private OpContext context(Kernel k, boolean train, long seed) {
    if (k.workspaceBytes() == 0) {
      return OpContext.of(train, seed);
    }
    return new OpContext(train, workspace.byteBuffer(), Randoms.generator(seed));
  }

  private Step forwardStep(Graph g, int id, Kernel kernel, NDArray[] values, boolean train) {
    Node n = g.node(id);
    OpInstance<?> op = n.op();
    int ni = n.inputs().size();
    TensorView[] in = new TensorView[ni];
    List<Var> reads = new ArrayList<>();
    List<Var> writes = new ArrayList<>();
    for (int i = 0; i < ni; i++) {
      NDArray a = values[g.entryId(n.inputs().get(i))];
      in[i] = a.view();
      (op.mutableInputs().contains(i) && train ? writes : reads).add(a.var());
    }
    TensorView[] out = new TensorView[n.numOutputs()];
    for (int k = 0; k < out.length; k++) {
      NDArray a = values[g.entryId(id, k)];
      out[k] = a.view();
      writes.add(a.var());
    }
    if (kernel.workspaceBytes() > 0) {
      writes.add(workspace.var());
    }
    List<Var> w = distinct(writes, List.of());
    return new Step(n.name(), seed -> kernel.forward(context(kernel, train, seed), in, out),
        distinct(reads, w), w);
  }

  private Step backwardStep(Graph g, GradientPlan.Step s, Kernel kernel, NDArray[] values,
      NDArray[] grads) {
    int id = s.nodeId();
    Node n = g.node(id);
    OpInstance<?> op = n.op();
    BackwardDeps deps = op.backwardDeps();
    List<Var> reads = new ArrayList<>();
    List<Var> writes = new ArrayList<>();
    int no = n.numOutputs();
    TensorView[] outGrad = new TensorView[no];
    TensorView[] out = new TensorView[no];
    for (int k = 0; k < no; k++) {
      int e = g.entryId(id, k);
      if (deps.outputs().contains(k)) {
        out[k] = values[e].view();
        reads.add(values[e].var());
      }
      if (deps.outputGrads() && grads[e] != null) {
        outGrad[k] = grads[e].view();
        reads.add(grads[e].var());
      }
    }
    int ni = n.inputs().size();
    TensorView[] in = new TensorView[ni];
    TensorView[] inGrad = new TensorView[ni];
    GradReq[] req = new GradReq[ni];
    for (int i = 0; i < ni; i++) {
      int e = g.entryId(n.inputs().get(i));
      boolean mutable = op.mutableInputs().contains(i);
      if (deps.inputs().contains(i) || mutable) {
        in[i] = values[e].view();
        (mutable ? writes : reads).add(values[e].var());
      }
      req[i] = s.inputReqs().get(i);
      if (req[i] != GradReq.NULL) {
        inGrad[i] = grads[e].view();
        writes.add(grads[e].var());
      }
    }
    if (kernel.workspaceBytes() > 0) {
      writes.add(workspace.var());
    }
    BackwardArgs args = new BackwardArgs(outGrad, in, out, inGrad, req);
    List<Var> w = distinct(writes, List.of());
    return new Step(n.name() + "_backward",
        seed -> kernel.backward(context(kernel, true, seed), args), distinct(reads, w), w);
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

  private void push(Step s) {
    long seed = Randoms.nextSeed(); // drawn in program order: reproducible whatever the timing
    engine.push(s.name(), () -> s.work().run(seed), s.reads(), s.writes());
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the executor is closed");
    }
  }

  /**
   * Pushes the forward pass. Returns at once.
   *
   * @param isTrain true for training (operators such as Dropout and BatchNorm behave
   *     differently)
   */
  public void forward(boolean isTrain) {
    requireOpen();
    for (Step s : isTrain ? trainForward : inferForward) {
      push(s);
    }
    forwardDone = true;
  }

  /**
   * Pushes the backward pass with the default head gradients (none for loss heads, ones for
   * others). Gradients land in {@link #gradArrays()} per their {@link GradReq}.
   *
   * @throws IllegalStateException if {@link #forward} was never called
   */
  public void backward() {
    requireOpen();
    if (!forwardDone) {
      throw new IllegalStateException("backward() before forward(): run forward(true) first");
    }
    for (Step s : backwardSteps) {
      push(s);
    }
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
   * the work already pushed has finished. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (NDArray a : owned) {
      a.close();
    }
  }
}
