package org.kindling.symbol.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntPredicate;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.OpInstance;

/**
 * The lowering pass and its result: everything a bound graph computes, as one sequence of steps
 * over values, which the {@link MemoryPlanner} and the executor both read (so that what is
 * planned is exactly what runs). Needs: a {@link Graph}, a shape and type per entry, and a
 * {@link GradientPlan} (with no steps for inference). Provides: the values and the steps.
 *
 * <p><b>Values.</b> Entry {@code e}'s data is value {@code e}; its gradient is value
 * {@link #gradientOf gradientOf(e)} {@code = numEntries + e}. A value exists if a step reads or
 * writes it or it is a head. <em>External</em> values (variables and their gradients: the arrays
 * given at bind time) are never planned; <em>pinned</em> values (the heads, which the caller reads
 * after the passes) are planned but never released.
 *
 * <p><b>Steps</b>, in execution order: one {@link Forward} per operator node (an activation
 * that {@link Fusion} puts inside the layer before it has no step, and the layer's output then
 * no value, of its own; likewise a BatchNorm folded into its convolution and the convolution's
 * output, and a residual add a convolution computes ({@link Fusion#sums}) and the convolution's
 * output); then, for
 * training, zero fills of variable gradients that no step reaches, one {@link Seed} per head that
 * takes a head gradient, and one {@link Backward} per node on a path to a wanted gradient (in
 * reverse topological order, each preceded by the {@link Zero} fills of its unread outputs'
 * gradients). A backward step reads only what its operator's {@link BackwardDeps} declare, so the
 * planner may reuse everything else once the forward pass is done with it.
 *
 * <p><b>Pruning.</b> Only what the heads need is present: the graph holds the nodes reachable
 * from its heads (binding an internal output stops there), backward steps exist only for nodes on
 * a path to a wanted gradient, gradient values only where a step touches them, and an inference
 * binding (no gradient requested) has no backward steps at all.
 *
 * <p>Step arrays are shared, not copied: callers must not modify them.
 */
public final class ExecGraph {
  /** One operation over values. */
  public sealed interface Step permits Forward, Backward, Seed, Zero {
    /** Values read, one per use (a value read twice appears twice). */
    int[] reads();

    /** Values written; a value accumulated into ({@link GradReq#ADD}) is also among the reads. */
    int[] writes();
  }

  /**
   * An in-place candidate: for a forward step (the operator's {@code inplaceOptions}) output
   * {@code output} may take input {@code input}'s buffer; for a backward step (its
   * {@code backwardInplaceOptions}) the gradient of input {@code output} may take the buffer of
   * the gradient of output {@code input}.
   *
   * @param input the index of the value read (an input, or an output gradient)
   * @param output the index of the value written (an output, or an input gradient)
   * @param identity true if the output is the input's data unchanged (reshape-like), so it may
   *     share the buffer even while the input has other readers
   */
  public record InPlace(int input, int output, boolean identity) {}

  /**
   * A node's forward kernel call, possibly with a BatchNorm folded in and a fused epilogue
   * ({@link Fusion}).
   *
   * @param node the node id
   * @param in the value of each input (mutable inputs included); with a folded BatchNorm,
   *     followed by the BatchNorm's inputs but its data ({@code gamma, beta, moving_mean,
   *     moving_var})
   * @param out the value of each output (hidden outputs included); with a folded BatchNorm, the
   *     BatchNorm's outputs instead; with an epilogue, {@code out[0]} is the epilogue's output,
   *     which the node's kernel writes and the epilogue's kernel then updates in place
   * @param inplace the operator's in-place candidates
   * @param epilogue the node whose forward kernel runs after, in place on {@code out[0]}, or -1
   * @param folded the BatchNorm node folded into this convolution, or -1
   * @param sum the add node this convolution computes ({@link Fusion#sums}), or -1; its other
   *     operand (the addend) is then the last of {@code in}, and {@code out[0]} (the add's
   *     output, or the epilogue's) may take the addend's buffer in place
   */
  public record Forward(int node, int[] in, int[] out, List<InPlace> inplace, int epilogue,
      int folded, int sum) implements Step {
    /** The position of the addend in {@link #in}, or -1 without a sum. */
    public int addend() {
      return sum >= 0 ? in.length - 1 : -1;
    }

    @Override
    public int[] reads() {
      return in;
    }

    @Override
    public int[] writes() {
      return out;
    }
  }

  /**
   * A node's backward kernel call; {@code -1} marks what it does not read or write.
   *
   * @param node the node id
   * @param outGrad the gradient value of each output
   * @param in the input values its backward declares (and mutable inputs, which it updates)
   * @param out the output values its backward declares
   * @param inGrad the gradient value of each input whose request is not NULL
   * @param req the request of each input gradient
   * @param inplace the operator's backward in-place candidates, for input gradients whose
   *     request is WRITE
   */
  public record Backward(int node, int[] outGrad, int[] in, int[] out, int[] inGrad,
      GradReq[] req, List<InPlace> inplace) implements Step {
    @Override
    public int[] reads() {
      List<Integer> r = new ArrayList<>();
      addAll(r, outGrad);
      addAll(r, in);
      addAll(r, out);
      for (int i = 0; i < inGrad.length; i++) {
        if (req[i] == GradReq.ADD) {
          r.add(inGrad[i]);
        }
      }
      return toArray(r);
    }

    @Override
    public int[] writes() {
      List<Integer> w = new ArrayList<>();
      addAll(w, inGrad);
      return toArray(w);
    }
  }

  /**
   * Copies (or adds) head {@code head}'s gradient into the gradient value of its entry.
   *
   * @param head the head index
   * @param target the gradient value
   * @param add true to accumulate (a head listed twice)
   */
  public record Seed(int head, int target, boolean add) implements Step {
    @Override
    public int[] reads() {
      return add ? new int[] {target} : new int[0];
    }

    @Override
    public int[] writes() {
      return new int[] {target};
    }
  }

  /**
   * Sets a gradient value to zero.
   *
   * @param target the gradient value
   */
  public record Zero(int target) implements Step {
    @Override
    public int[] reads() {
      return new int[0];
    }

    @Override
    public int[] writes() {
      return new int[] {target};
    }
  }

  private final Graph graph;
  private final int[] nodeOf;
  private final int numEntries;
  private final Shape[] shapes;
  private final DType[] types;
  private final boolean[] exists;
  private final boolean[] external;
  private final boolean[] pinned;
  private final List<Step> steps;
  private final int numForward;

  private ExecGraph(Graph graph, int[] nodeOf, Shape[] entryShapes, DType[] entryTypes,
      List<Step> steps, int numForward) {
    this.graph = graph;
    this.nodeOf = nodeOf;
    this.numEntries = graph.numEntries();
    int n = 2 * numEntries;
    this.shapes = new Shape[n];
    this.types = new DType[n];
    for (int e = 0; e < numEntries; e++) {
      shapes[e] = shapes[numEntries + e] = entryShapes[e];
      types[e] = types[numEntries + e] = entryTypes[e];
    }
    this.exists = new boolean[n];
    this.external = new boolean[n];
    this.pinned = new boolean[n];
    for (int id = 0; id < graph.numNodes(); id++) {
      if (graph.node(id).isVariable()) {
        int e = graph.entryId(id, 0);
        exists[e] = true;
        external[e] = true;
        external[numEntries + e] = true;
      }
    }
    for (NodeEntry head : graph.outputs()) {
      int e = graph.entryId(head);
      exists[e] = true;
      pinned[e] = !external[e];
    }
    for (Step s : steps) {
      for (int v : s.reads()) {
        exists[v] = true;
      }
      for (int v : s.writes()) {
        exists[v] = true;
      }
    }
    this.steps = Collections.unmodifiableList(steps);
    this.numForward = numForward;
  }

  /**
   * Lowers a graph.
   *
   * @param graph the graph
   * @param shapes a known shape per entry ({@link ShapeInference})
   * @param types a type per entry ({@link TypeInference})
   * @param gradients the backward pass ({@link GradientPass}); one without steps for inference
   * @param fuse run the epilogues {@link Fusion} finds inside their producers' steps
   */
  public static ExecGraph of(Graph graph, Shape[] shapes, DType[] types,
      GradientPlan gradients, boolean fuse) {
    return of(graph, shapes, types, gradients, fuse, false);
  }

  /**
   * Lowers a graph, as {@link #of(Graph, Shape[], DType[], GradientPlan, boolean)}.
   *
   * @param fold fold the BatchNorms {@link Fusion#folds} finds into their convolutions (only
   *     in an inference binding)
   */
  public static ExecGraph of(Graph graph, Shape[] shapes, DType[] types,
      GradientPlan gradients, boolean fuse, boolean fold) {
    return of(graph, shapes, types, gradients, fuse, fold, null);
  }

  /**
   * Lowers a graph, as {@link #of(Graph, Shape[], DType[], GradientPlan, boolean, boolean)}.
   *
   * @param sumHosts with fusion, the convolution nodes whose kernel can compute a residual sum
   *     ({@link Fusion#sums}); null for none
   */
  public static ExecGraph of(Graph graph, Shape[] shapes, DType[] types,
      GradientPlan gradients, boolean fuse, boolean fold, IntPredicate sumHosts) {
    return of(graph, shapes, types, gradients, fuse, fold, sumHosts, null);
  }

  /**
   * Lowers a graph, as {@link #of(Graph, Shape[], DType[], GradientPlan, boolean, boolean,
   * IntPredicate)}.
   *
   * @param normHosts with fusion, whether BatchNorm node (first) computes the activation node
   *     (second) after it inside its call ({@link Fusion#epilogues}); null for none
   */
  public static ExecGraph of(Graph graph, Shape[] shapes, DType[] types,
      GradientPlan gradients, boolean fuse, boolean fold, IntPredicate sumHosts,
      java.util.function.BiPredicate<Integer, Integer> normHosts) {
    int ne = graph.numEntries();
    int[] nodeOf = nodeOfEntry(graph);
    int[] folds = new int[graph.numNodes()];
    java.util.Arrays.fill(folds, -1);
    if (fold) {
      folds = Fusion.folds(graph, gradients, shapes, types);
    }
    int[] sums = new int[graph.numNodes()];
    java.util.Arrays.fill(sums, -1);
    if (fuse && sumHosts != null) {
      sums = Fusion.sums(graph, gradients, folds, shapes, types, sumHosts);
    }
    int[] epilogue = new int[graph.numNodes()];
    java.util.Arrays.fill(epilogue, -1);
    if (fuse) {
      epilogue = Fusion.epilogues(graph, gradients, folds, sums, normHosts);
    }
    boolean[] fused = new boolean[graph.numNodes()];
    for (int id = 0; id < graph.numNodes(); id++) {
      for (int f : new int[] {epilogue[id], folds[id], sums[id]}) {
        if (f >= 0) {
          fused[f] = true;
        }
      }
    }
    List<Step> steps = new ArrayList<>();
    for (int id = 0; id < graph.numNodes(); id++) {
      if (!graph.node(id).isVariable() && !fused[id]) {
        steps.add(forward(graph, id, epilogue[id], folds[id], sums[id]));
      }
    }
    int numForward = steps.size();
    List<List<Integer>> zeroBefore = new ArrayList<>();
    for (int id = 0; id < graph.numNodes(); id++) {
      zeroBefore.add(new ArrayList<>());
    }
    for (int e : gradients.zeroFill()) {
      if (graph.node(nodeOf[e]).isVariable()) {
        steps.add(new Zero(ne + e));
      } else {
        zeroBefore.get(nodeOf[e]).add(ne + e);
      }
    }
    for (int h = 0; h < graph.outputs().size(); h++) {
      GradReq seed = gradients.headSeed(h);
      if (seed != GradReq.NULL) {
        steps.add(new Seed(h, ne + graph.entryId(graph.outputs().get(h)), seed == GradReq.ADD));
      }
    }
    for (GradientPlan.Step s : gradients.steps()) {
      for (int v : zeroBefore.get(s.nodeId())) {
        steps.add(new Zero(v));
      }
      steps.add(backward(graph, s, gradients));
    }
    return new ExecGraph(graph, nodeOf, shapes, types, steps, numForward);
  }

  /** The node producing each entry. */
  private static int[] nodeOfEntry(Graph graph) {
    int[] nodeOf = new int[graph.numEntries()];
    for (int id = 0; id < graph.numNodes(); id++) {
      for (int k = 0; k < graph.node(id).numOutputs(); k++) {
        nodeOf[graph.entryId(id, k)] = id;
      }
    }
    return nodeOf;
  }

  private static Forward forward(Graph graph, int id, int epilogue, int folded, int sum) {
    Node n = graph.node(id);
    OpInstance<?> op = n.op();
    List<NodeEntry> inputs = new ArrayList<>(n.inputs());
    if (folded >= 0) {
      List<NodeEntry> bn = graph.node(folded).inputs();
      inputs.addAll(bn.subList(1, bn.size()));
    }
    if (sum >= 0) {
      // the add's operand the convolution does not compute
      int computed = graph.entryId(folded >= 0 ? folded : id, 0);
      List<NodeEntry> operands = graph.node(sum).inputs();
      inputs.add(graph.entryId(operands.get(0)) == computed ? operands.get(1) : operands.get(0));
    }
    int[] in = new int[inputs.size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = graph.entryId(inputs.get(i));
    }
    int producer = folded >= 0 ? folded : id;
    int[] out = new int[graph.node(producer).numOutputs()];
    for (int k = 0; k < out.length; k++) {
      out[k] = graph.entryId(producer, k);
    }
    if (sum >= 0) {
      out[0] = graph.entryId(sum, 0);
    }
    if (epilogue >= 0) {
      out[0] = graph.entryId(epilogue, 0);
    }
    List<InPlace> inplace = new ArrayList<>();
    boolean identity = op.inplaceIdentity();
    for (int[] pair : op.inplaceOptions()) {
      inplace.add(new InPlace(pair[0], pair[1], identity));
    }
    if (sum >= 0) {
      inplace.add(new InPlace(in.length - 1, 0, false)); // the sum adds into the addend
    }
    return new Forward(id, in, out, List.copyOf(inplace), epilogue, folded, sum);
  }

  private static Backward backward(Graph graph, GradientPlan.Step s, GradientPlan gradients) {
    int ne = graph.numEntries();
    int id = s.nodeId();
    Node n = graph.node(id);
    OpInstance<?> op = n.op();
    BackwardDeps deps = op.backwardDeps();
    int no = n.numOutputs();
    int[] outGrad = new int[no];
    int[] out = new int[no];
    for (int k = 0; k < no; k++) {
      int e = graph.entryId(id, k);
      outGrad[k] = deps.outputGrads() && gradients.needsGrad(e) ? ne + e : -1;
      out[k] = deps.outputs().contains(k) ? e : -1;
    }
    int ni = n.inputs().size();
    int[] in = new int[ni];
    int[] inGrad = new int[ni];
    GradReq[] req = new GradReq[ni];
    for (int i = 0; i < ni; i++) {
      int e = graph.entryId(n.inputs().get(i));
      in[i] = deps.inputs().contains(i) || op.mutableInputs().contains(i) ? e : -1;
      req[i] = s.inputReqs().get(i);
      inGrad[i] = req[i] == GradReq.NULL ? -1 : ne + e;
    }
    List<InPlace> inplace = new ArrayList<>();
    for (int[] pair : op.backwardInplaceOptions()) {
      if (outGrad[pair[0]] >= 0 && req[pair[1]] == GradReq.WRITE) {
        inplace.add(new InPlace(pair[0], pair[1], false));
      }
    }
    return new Backward(id, outGrad, in, out, inGrad, req, List.copyOf(inplace));
  }

  private static void addAll(List<Integer> to, int[] values) {
    for (int v : values) {
      if (v >= 0) {
        to.add(v);
      }
    }
  }

  private static int[] toArray(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The lowered graph. */
  public Graph graph() {
    return graph;
  }

  /** Number of value ids: twice the number of entries (data, then gradients). */
  public int numValues() {
    return 2 * numEntries;
  }

  /** The value holding entry {@code entry}'s gradient. */
  public int gradientOf(int entry) {
    return numEntries + entry;
  }

  /** True if value {@code v} holds a gradient. */
  public boolean isGradient(int v) {
    return v >= numEntries;
  }

  /** True if some step touches value {@code v} or it is a variable or a head. */
  public boolean exists(int v) {
    return exists[v];
  }

  /** True for variables and their gradients: arrays given at bind time, never planned. */
  public boolean external(int v) {
    return external[v];
  }

  /** True if value {@code v} exists and the memory planner decides where it lives. */
  public boolean planned(int v) {
    return exists[v] && !external[v];
  }

  /** True for the heads: planned, but never released (the caller reads them afterwards). */
  public boolean pinned(int v) {
    return pinned[v];
  }

  /** The shape of value {@code v}. */
  public Shape shape(int v) {
    return shapes[v];
  }

  /** The element type of value {@code v}. */
  public DType dtype(int v) {
    return types[v];
  }

  /**
   * Bytes with every operator output and every gradient value in its own buffer, as without
   * planning or fusion (outputs fused away count too).
   */
  public long naiveBytes() {
    long sum = 0;
    for (int e = 0; e < numEntries; e++) {
      if (!external[e]) {
        sum += bytes(e);
      }
      if (planned(gradientOf(e))) {
        sum += bytes(gradientOf(e));
      }
    }
    return sum;
  }

  /** The bytes value {@code v} occupies. */
  public long bytes(int v) {
    return shapes[v].size() * types[v].byteSize();
  }

  /** All steps in execution order: the forward steps, then the backward ones. */
  public List<Step> steps() {
    return steps;
  }

  /** The forward steps (a prefix of {@link #steps()}). */
  public List<Step> forwardSteps() {
    return steps.subList(0, numForward);
  }

  /** The steps of the backward pass (what follows {@link #forwardSteps()}). */
  public List<Step> backwardSteps() {
    return steps.subList(numForward, steps.size());
  }

  /**
   * The name of the entry behind value {@code v}, as {@code list_outputs} names it
   * ({@code fc1_output}, or a variable's name), with {@code _grad} appended for gradients.
   */
  public String name(int v) {
    int e = v % numEntries;
    Node n = graph.node(nodeOf[e]);
    String base = n.isVariable() ? n.name()
        : n.name() + "_" + n.op().outputNames().get(e - graph.entryId(nodeOf[e], 0));
    return isGradient(v) ? base + "_grad" : base;
  }

  /** The node whose forward step writes value {@code v} (or, for a gradient, whose data). */
  public int node(int v) {
    return nodeOf[v % numEntries];
  }
}
