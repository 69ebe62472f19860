package org.kindling.symbol;

import java.nio.FloatBuffer;
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
import org.kindling.symbol.graph.NodeEntry;
import org.kindling.symbol.graph.ShapeInference;
import org.kindling.symbol.op.BackwardContext;
import org.kindling.symbol.op.ForwardContext;
import org.kindling.symbol.op.OpInstance;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.Var;

/**
 * A symbol bound to arrays, as MXNet's {@code Executor}. Everything is allocated at bind time:
 * every intermediate output, every internal gradient buffer, and the kernel contexts holding
 * their float buffers; {@link #forward} and {@link #backward} only push work.
 *
 * <p>Each node runs as one engine operation that reads its inputs' variables and writes its
 * outputs' (backward: reads output gradients, inputs and outputs, writes input gradients), so
 * independent nodes overlap and a later forward waits only for what it needs. Both calls
 * return at once; read results through {@link #outputs()} ({@code toFloatArray} waits).
 *
 * <p>{@link #backward()} needs no head gradient for loss heads such as {@code SoftmaxOutput};
 * other heads get a gradient of ones unless {@link #backward(List)} gives one.
 *
 * <p>An executor is driven from one thread at a time; its work runs on the engine.
 */
public final class Executor {
  /** One engine operation prepared at bind time. */
  private record Step(String name, Runnable op, List<Var> reads, List<Var> writes) {}

  private final Symbol symbol;
  private final Engine engine;
  private final Map<String, NDArray> argDict;
  private final Map<String, NDArray> gradDict;
  private final Map<String, GradReq> reqs;
  private final Map<String, NDArray> auxDict;
  private final List<NDArray> outputs;
  private final List<NDArray> headGrads;
  private final List<Step> trainForward = new ArrayList<>();
  private final List<Step> inferForward = new ArrayList<>();
  private final List<Step> backwardSteps = new ArrayList<>();
  private boolean forwardDone;

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
    argDict.forEach((k, v) -> known.put(k, v.shape()));
    auxDict.forEach((k, v) -> known.put(k, v.shape()));
    Shape[] shapes = ShapeInference.infer(g, known);
    for (int e = 0; e < shapes.length; e++) {
      if (shapes[e] == null) {
        throw new IllegalArgumentException("bind: the shape of an internal output of "
            + describeEntry(g, e) + " cannot be inferred from the given arrays");
      }
    }

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
      requireFloat32(grad, "gradient of '" + name + "'");
      if (!grad.shape().equals(argDict.get(name).shape())) {
        throw new IllegalArgumentException("bind: gradient of '" + name + "' is " + grad.shape()
            + " but the argument is " + argDict.get(name).shape());
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
          values[g.entryId(id, k)] = NDArray.zeros(shapes[g.entryId(id, k)]);
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
          grads[e] = NDArray.zeros(shapes[e]);
        }
      }
    }
    List<NDArray> outs = new ArrayList<>();
    List<NDArray> heads = new ArrayList<>();
    for (int h = 0; h < g.outputs().size(); h++) {
      int e = g.entryId(g.outputs().get(h));
      outs.add(values[e]);
      if (plan.headSeed(h) == GradReq.NULL) {
        heads.add(null);
      } else {
        NDArray ones = NDArray.zeros(shapes[e]);
        ones.fill(1f);
        heads.add(ones);
        backwardSteps.add(seedStep(ones, grads[e], plan.headSeed(h) == GradReq.ADD));
      }
    }
    this.outputs = Collections.unmodifiableList(outs);
    this.headGrads = Collections.unmodifiableList(heads);

    for (int id = 0; id < g.numNodes(); id++) {
      if (!g.node(id).isVariable()) {
        trainForward.add(forwardStep(g, id, shapes, values, true));
        inferForward.add(forwardStep(g, id, shapes, values, false));
      }
    }
    for (GradientPlan.Step s : plan.steps()) {
      backwardSteps.add(backwardStep(g, s, shapes, values, grads));
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
      requireFloat32(a, what + " '" + name + "'");
      out.put(name, a);
    }
    return Collections.unmodifiableMap(out);
  }

  private static void requireFloat32(NDArray a, String what) {
    if (a.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(
          "bind: " + what + " is " + a.dtype().numpyName() + "; executors compute in float32");
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

  private Step seedStep(NDArray headGrad, NDArray target, boolean add) {
    FloatBuffer src = headGrad.floatBuffer();
    FloatBuffer dst = target.floatBuffer();
    int n = target.shape().intSize();
    Runnable op = () -> {
      for (int i = 0; i < n; i++) {
        dst.put(i, add ? dst.get(i) + src.get(i) : src.get(i));
      }
    };
    return new Step("head_grad", op, List.of(headGrad.var()), List.of(target.var()));
  }

  private Step forwardStep(Graph g, int id, Shape[] shapes, NDArray[] values, boolean train) {
    Node n = g.node(id);
    int ni = n.inputs().size();
    FloatBuffer[] in = new FloatBuffer[ni];
    Shape[] inShapes = new Shape[ni];
    List<Var> reads = new ArrayList<>();
    for (int i = 0; i < ni; i++) {
      int e = g.entryId(n.inputs().get(i));
      in[i] = values[e].floatBuffer();
      inShapes[i] = shapes[e];
      reads.add(values[e].var());
    }
    int no = n.numOutputs();
    FloatBuffer[] out = new FloatBuffer[no];
    Shape[] outShapes = new Shape[no];
    List<Var> writes = new ArrayList<>();
    for (int k = 0; k < no; k++) {
      int e = g.entryId(id, k);
      out[k] = values[e].floatBuffer();
      outShapes[k] = shapes[e];
      writes.add(values[e].var());
    }
    ForwardContext ctx = new ForwardContext(in, inShapes, out, outShapes, train);
    OpInstance<?> op = n.op();
    return new Step(n.name(), () -> op.forward(ctx), distinct(reads, writes), distinct(writes, List.of()));
  }

  private Step backwardStep(
      Graph g, GradientPlan.Step s, Shape[] shapes, NDArray[] values, NDArray[] grads) {
    int id = s.nodeId();
    Node n = g.node(id);
    OpInstance<?> op = n.op();
    boolean needOutGrad = op.backwardNeedsOutputGrad();
    List<Var> reads = new ArrayList<>();
    List<Var> writes = new ArrayList<>();
    int no = n.numOutputs();
    FloatBuffer[] outGrad = new FloatBuffer[no];
    FloatBuffer[] out = new FloatBuffer[no];
    Shape[] outShapes = new Shape[no];
    for (int k = 0; k < no; k++) {
      int e = g.entryId(id, k);
      out[k] = values[e].floatBuffer();
      outShapes[k] = shapes[e];
      reads.add(values[e].var());
      if (needOutGrad) {
        outGrad[k] = grads[e].floatBuffer();
        reads.add(grads[e].var());
      }
    }
    int ni = n.inputs().size();
    FloatBuffer[] in = new FloatBuffer[ni];
    Shape[] inShapes = new Shape[ni];
    FloatBuffer[] inGrad = new FloatBuffer[ni];
    GradReq[] req = new GradReq[ni];
    for (int i = 0; i < ni; i++) {
      NodeEntry entry = n.inputs().get(i);
      int e = g.entryId(entry);
      in[i] = values[e].floatBuffer();
      inShapes[i] = shapes[e];
      reads.add(values[e].var());
      req[i] = s.inputReqs().get(i);
      if (req[i] != GradReq.NULL) {
        inGrad[i] = grads[e].floatBuffer();
        writes.add(grads[e].var());
      }
    }
    BackwardContext ctx = new BackwardContext(outGrad, in, inShapes, out, outShapes, inGrad, req);
    List<Var> w = distinct(writes, List.of());
    return new Step(n.name() + "_backward", () -> op.backward(ctx), distinct(reads, w), w);
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

  /**
   * Pushes the forward pass. Returns at once.
   *
   * @param isTrain true for training (operators such as Dropout behave differently)
   */
  public void forward(boolean isTrain) {
    for (Step s : isTrain ? trainForward : inferForward) {
      engine.push(s.name(), s.op(), s.reads(), s.writes());
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
    if (!forwardDone) {
      throw new IllegalStateException("backward() before forward(): run forward(true) first");
    }
    for (Step s : backwardSteps) {
      engine.push(s.name(), s.op(), s.reads(), s.writes());
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

  /** Output arrays in {@code listOutputs} order. */
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
}
