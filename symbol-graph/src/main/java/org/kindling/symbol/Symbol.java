package org.kindling.symbol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.kindling.symbol.graph.Graph;
import org.kindling.symbol.graph.Node;
import org.kindling.symbol.graph.NodeEntry;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.symbol.graph.ShapeInference;
import org.kindling.symbol.graph.SymbolJsonReader;
import org.kindling.symbol.graph.SymbolJsonWriter;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.ParamValues;
import org.kindling.tensor.op.math.MathOps;
import org.kindling.tensor.op.shape.Flatten;
import org.kindling.tensor.op.shape.Reshape;
import org.kindling.tensor.op.nn.SoftmaxOutput;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.AtomicFiles;
import org.kindling.tensor.op.GradReq;

/**
 * A declarative computation graph, as MXNet's {@code Symbol}: an immutable list of output
 * entries of a DAG of operator and variable nodes.
 *
 * <p>Build with {@link #variable} and the operator factories ({@link #fullyConnected}, {@link
 * #activation}, {@link #softmaxOutput}, ...) or generically with {@link #create}. A null name
 * gives MXNet's auto name ({@code fullyconnected0}, a per-thread counter per operator). Inputs
 * not given are created as variables named {@code <node>_<input>} ({@code fc1_weight},
 * {@code softmax_label}), carrying the node's attributes as MXNet's composition does.
 *
 * <p>Read and write MXNet's symbol JSON with {@link #toJson}, {@link #fromJson}, {@link #save}
 * and {@link #load}. Bind to arrays with {@link #bind} or {@link #simpleBind}. The errors of a
 * symbol read from a file (and of its outputs and internals) name that file.
 */
public final class Symbol {
  private static final ThreadLocal<Map<String, Integer>> NAME_COUNTERS =
      ThreadLocal.withInitial(HashMap::new);
  /** Symbol files larger than this are rejected before reading. */
  private static final long MAX_JSON_BYTES = 256L << 20;

  private final List<NodeEntry> outputs;
  /** The file or description the symbol was read from, named in its errors; null if built. */
  private final String source;
  private volatile Graph graph;

  private Symbol(List<NodeEntry> outputs) {
    this(outputs, null);
  }

  private Symbol(List<NodeEntry> outputs, String source) {
    this.outputs = List.copyOf(outputs);
    this.source = source;
  }

  // ---------------------------------------------------------------- construction

  /** A variable (data input, parameter or label) named {@code name}. */
  public static Symbol variable(String name) {
    return variable(name, Map.of());
  }

  /**
   * A variable with hidden attributes such as {@code __shape__}, {@code __lr_mult__}.
   *
   * @throws IllegalArgumentException if a key is not a hidden {@code __x__} key
   */
  public static Symbol variable(String name, Map<String, String> attrs) {
    requireName(name);
    for (String k : attrs.keySet()) {
      if (!ParamValues.isHidden(k)) {
        throw new IllegalArgumentException(
            "variable '" + name + "': attribute '" + k + "' is not a hidden __key__");
      }
    }
    return new Symbol(List.of(new NodeEntry(Node.variable(name, attrs), 0)));
  }

  /** A symbol whose outputs are the outputs of {@code symbols}, in order. */
  public static Symbol group(Symbol... symbols) {
    List<NodeEntry> outs = new ArrayList<>();
    for (Symbol s : symbols) {
      outs.addAll(s.outputs);
    }
    if (outs.isEmpty()) {
      throw new IllegalArgumentException("group needs at least one symbol");
    }
    String source = symbols[0].source;
    for (Symbol s : symbols) {
      source = Objects.equals(source, s.source) ? source : null;
    }
    return new Symbol(outs, source);
  }

  /**
   * Applies {@code op} with {@code params} to named inputs. Missing inputs become variables
   * {@code <name>_<input>} with the node's attributes and the operator's initializer hint
   * ({@code __init__} of BatchNorm's moving statistics, prelu's gamma), as MXNet composes them.
   * A variable in a mutable input slot (an auxiliary state) is read as version 1, MXNet's number
   * for a variable that one node mutates; MXNet also gives a variable passed in for such a slot
   * the initializer hint, which Kindling's immutable nodes cannot.
   *
   * @param name the node name, or null for an auto name
   * @param inputs inputs by the operator's input names (each a single-output symbol)
   * @throws IllegalArgumentException for unknown input names or multi-output inputs
   */
  public static <P extends Record> Symbol create(
      OpDef<P> op, String name, P params, Map<String, Symbol> inputs) {
    OpInstance<P> inst = OpInstance.of(op, params);
    String nodeName = name != null ? name : autoName(op);
    List<String> names = inst.inputNames();
    for (String k : inputs.keySet()) {
      if (!names.contains(k)) {
        throw new IllegalArgumentException(
            op.name() + " node '" + nodeName + "': unknown input '" + k + "' (inputs: " + names
                + ")");
      }
    }
    Map<String, String> attrs = inst.toAttrs();
    List<NodeEntry> entries = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String in = names.get(i);
      Symbol s = inputs.get(in);
      // MXNet numbers the mutations of a variable: the first node to mutate it reads version 1
      int version = inst.mutableInputs().contains(i) ? 1 : 0;
      if (s == null) {
        Map<String, String> varAttrs = new TreeMap<>(attrs);
        varAttrs.putAll(inst.inputVariableAttrs(i));
        entries.add(new NodeEntry(Node.variable(nodeName + "_" + in, varAttrs), 0, version));
      } else {
        if (s.outputs.size() != 1) {
          throw new IllegalArgumentException(
              op.name() + " node '" + nodeName + "': input '" + in + "' has "
                  + s.outputs.size() + " outputs; pick one with get(i)");
        }
        NodeEntry e = s.outputs.get(0);
        entries.add(e.node().isVariable() ? new NodeEntry(e.node(), 0, version) : e);
      }
    }
    return new Symbol(List.of(new NodeEntry(
        Node.operator(inst, nodeName, attrs, entries, List.of()), 0)));
  }

  /** {@code FullyConnected} with {@code num_hidden} units, creating weight and bias. */
  public static Symbol fullyConnected(String name, Symbol data, int numHidden) {
    return fullyConnected(name, data, FullyConnected.Params.of(numHidden));
  }

  /** {@code FullyConnected} with explicit parameters. */
  public static Symbol fullyConnected(String name, Symbol data, FullyConnected.Params params) {
    return create(FullyConnected.OP, name, params, Map.of("data", data));
  }

  /** {@code Activation} of type {@code type}. */
  public static Symbol activation(String name, Symbol data, Activation.ActType type) {
    return create(Activation.OP, name, new Activation.Params(type), Map.of("data", data));
  }

  /** {@code SoftmaxOutput} with MXNet's defaults, creating {@code <name>_label}. */
  public static Symbol softmaxOutput(String name, Symbol data) {
    return softmaxOutput(name, data, SoftmaxOutput.Params.defaults());
  }

  /** {@code SoftmaxOutput} with explicit parameters, creating {@code <name>_label}. */
  public static Symbol softmaxOutput(String name, Symbol data, SoftmaxOutput.Params params) {
    return create(SoftmaxOutput.OP, name, params, Map.of("data", data));
  }

  /** {@code SoftmaxOutput} with an explicit label symbol. */
  public static Symbol softmaxOutput(
      String name, Symbol data, Symbol label, SoftmaxOutput.Params params) {
    return create(SoftmaxOutput.OP, name, params, Map.of("data", data, "label", label));
  }

  /** {@code Flatten}. */
  public static Symbol flatten(String name, Symbol data) {
    return create(Flatten.OP, name, NoParams.NONE, Map.of("data", data));
  }

  /** {@code Reshape} to {@code shape} (MXNet's special values 0, -1, -2, -3, -4 allowed). */
  public static Symbol reshape(String name, Symbol data, int... shape) {
    return create(Reshape.OP, name, Reshape.Params.of(shape), Map.of("data", data));
  }

  /** {@code elemwise_add}: {@code lhs + rhs}, equal shapes. */
  public static Symbol elemwiseAdd(String name, Symbol lhs, Symbol rhs) {
    return create(MathOps.ELEMWISE_ADD, name, NoParams.NONE, Map.of("lhs", lhs, "rhs", rhs));
  }

  private static String autoName(OpDef<?> op) {
    String hint = op.autoNameHint();
    Map<String, Integer> counters = NAME_COUNTERS.get();
    int k = counters.merge(hint, 1, Integer::sum) - 1;
    return hint + k;
  }

  /** Restarts this thread's auto-name counters (as entering a new MXNet NameManager). */
  public static void resetAutoNames() {
    NAME_COUNTERS.get().clear();
  }

  private static void requireName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a variable needs a non-empty name");
    }
  }

  // ---------------------------------------------------------------- structure

  /** The graph reachable from the outputs (computed once). */
  Graph graph() {
    Graph g = graph;
    if (g == null) {
      g = Graph.of(outputs);
      graph = g;
    }
    return g;
  }

  /** Number of outputs. */
  public int numOutputs() {
    return outputs.size();
  }

  /** The name of a single-output symbol's node (MXNet's {@code Symbol.name}). */
  public String name() {
    if (outputs.size() != 1) {
      throw new IllegalStateException("a group of " + outputs.size() + " outputs has no name");
    }
    return outputs.get(0).node().name();
  }

  /** Output {@code i} as a single-output symbol. */
  public Symbol get(int i) {
    Objects.checkIndex(i, outputs.size());
    return new Symbol(List.of(outputs.get(i)), source);
  }

  /** The output named {@code outputName} (as listed by {@link #listOutputs}). */
  public Symbol get(String outputName) {
    int i = listOutputs().indexOf(outputName);
    if (i < 0) {
      throw error("no output '" + outputName + "' (outputs: " + listOutputs() + ")");
    }
    return get(i);
  }

  /** Every output of every node, as MXNet's {@code get_internals}. */
  public Symbol internals() {
    List<NodeEntry> all = new ArrayList<>();
    for (Node n : graph().nodes()) {
      int visible = n.isVariable() ? 1 : n.op().numVisibleOutputs();
      for (int k = 0; k < visible; k++) {
        all.add(new NodeEntry(n, k));
      }
    }
    return new Symbol(all, source);
  }

  /** Argument variables (not auxiliary states) in DFS order, as MXNet's {@code list_arguments}. */
  public List<String> listArguments() {
    return graph().argumentNames();
  }

  /** Output names, e.g. {@code softmax_output}. */
  public List<String> listOutputs() {
    return graph().outputNames();
  }

  /** Auxiliary states (variables feeding mutable inputs) in DFS order. */
  public List<String> listAuxiliaryStates() {
    return graph().auxiliaryNames();
  }

  /**
   * Every node's attributes by node name, as MXNet's {@code Symbol.attr_dict()}: an operator's
   * parameters and hidden keys, a variable's hidden keys ({@code __init__}, {@code __lr_mult__},
   * {@code __wd_mult__}, {@code __shape__}, ...), nodes in DFS order, keys sorted. Nodes without
   * attributes are left out. {@code Module} hands a parameter's entry to the initializer (its
   * {@code __init__}) and to the optimizer (its multipliers).
   */
  public Map<String, Map<String, String>> attrDict() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Node n : graph().nodes()) {
      if (!n.attrs().isEmpty()) {
        out.put(n.name(), n.attrs());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  // ---------------------------------------------------------------- shapes

  /**
   * Infers all argument, output and auxiliary shapes from some argument shapes, e.g.
   * {@code data=(128, 784)} gives the weight shapes of every FullyConnected.
   *
   * @throws IllegalArgumentException for unknown names, inconsistent shapes (naming the node),
   *     or shapes that cannot be inferred (naming the arguments)
   */
  public InferredShapes inferShape(Map<String, Shape> known) {
    InferredShapes s = inferShapePartial(known);
    if (!s.isComplete()) {
      List<String> unknown = new ArrayList<>();
      s.arguments().forEach((k, v) -> {
        if (v == null) {
          unknown.add(k);
        }
      });
      s.auxiliaryStates().forEach((k, v) -> {
        if (v == null) {
          unknown.add(k);
        }
      });
      throw error("cannot infer the shapes of " + (unknown.isEmpty() ? "some outputs" : unknown)
          + " from " + known + "; give more input shapes");
    }
    return s;
  }

  /** As {@link #inferShape} but leaves unknown shapes as null instead of failing. */
  public InferredShapes inferShapePartial(Map<String, Shape> known) {
    Graph g = graph();
    List<String> args = g.argumentNames();
    List<String> aux = g.auxiliaryNames();
    for (String k : known.keySet()) {
      if (!args.contains(k) && !aux.contains(k)) {
        throw error("inferShape: unknown argument '" + k + "' (arguments: " + args + ")");
      }
    }
    Shape[] shapes;
    try {
      shapes = ShapeInference.infer(g, known);
    } catch (IllegalArgumentException e) {
      throw named(e);
    }
    LinkedHashMap<String, Shape> argShapes = new LinkedHashMap<>();
    for (int id : g.argumentIds()) {
      argShapes.put(g.node(id).name(), shapes[g.entryId(id, 0)]);
    }
    LinkedHashMap<String, Shape> auxShapes = new LinkedHashMap<>();
    for (int id : g.auxiliaryIds()) {
      auxShapes.put(g.node(id).name(), shapes[g.entryId(id, 0)]);
    }
    List<Shape> outShapes = new ArrayList<>();
    for (NodeEntry e : outputs) {
      outShapes.add(shapes[g.entryId(e)]);
    }
    return new InferredShapes(argShapes, outShapes, auxShapes);
  }

  // ---------------------------------------------------------------- JSON

  /** The symbol as MXNet 1.9.1 writes it (formats.md §4). */
  public String toJson() {
    return SymbolJsonWriter.write(graph());
  }

  /**
   * Reads symbol JSON from any MXNet version.
   *
   * @param sourceName the file or description, for error messages
   * @throws FormatException naming the source and node if the JSON is malformed or invalid
   */
  public static Symbol fromJson(String json, String sourceName) throws FormatException {
    List<NodeEntry> heads = SymbolJsonReader.read(json, sourceName);
    try {
      Symbol s = new Symbol(heads, sourceName);
      s.graph();
      return s;
    } catch (IllegalArgumentException e) {
      throw new FormatException(sourceName, -1, e.getMessage());
    }
  }

  /** Writes {@link #toJson()} to {@code file} atomically ({@link AtomicFiles#write}). */
  public void save(Path file) throws IOException {
    byte[] json = toJson().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, out -> out.write(json));
  }

  /** Reads a {@code -symbol.json} file. */
  public static Symbol load(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_JSON_BYTES) {
      throw new FormatException(file.toString(), 0,
          "symbol file of " + size + " bytes exceeds the " + MAX_JSON_BYTES + "-byte limit");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new FormatException(file.toString(), -1, "not UTF-8 text: " + e);
    }
    return fromJson(text, file.toString());
  }

  // ---------------------------------------------------------------- binding

  /**
   * Binds the symbol to arrays for execution.
   *
   * @param args an array for every argument (extra names are ignored)
   * @param argGrads gradient arrays for arguments whose request is not NULL
   * @param gradReqs requests by argument; a missing name means WRITE if {@code argGrads} has an
   *     array for it, NULL otherwise
   * @param aux an array for every auxiliary state
   * @throws IllegalArgumentException for missing arrays or shapes that do not fit
   */
  public Executor bind(
      Map<String, NDArray> args,
      Map<String, NDArray> argGrads,
      Map<String, GradReq> gradReqs,
      Map<String, NDArray> aux) {
    return bind(args, argGrads, gradReqs, aux, PlanOptions.fromSystemProperties());
  }

  /**
   * As {@link #bind(Map, Map, Map, Map)}, planning memory with {@code plan} rather than as the
   * system properties say ({@link PlanOptions#OFF}: every value its own buffer).
   */
  public Executor bind(
      Map<String, NDArray> args,
      Map<String, NDArray> argGrads,
      Map<String, GradReq> gradReqs,
      Map<String, NDArray> aux,
      PlanOptions plan) {
    return bind(args, argGrads, gradReqs, aux, plan, null);
  }

  /**
   * As {@link #bind(Map, Map, Map, Map, PlanOptions)}, taking the internal memory from {@code
   * shared}'s (MXNet's {@code shared_exec}, as bucketing binds one executor per sequence length):
   * the plan's blocks reuse the blocks of {@code shared} and of the executors sharing with it
   * where they are large enough, largest first, and allocate the rest ({@link
   * Executor#allocatedBlockBytes()}). Executors that share memory must not run at the same
   * time: running one overwrites the values (outputs included) of the others (MXNet's rule).
   *
   * @param shared an open executor whose memory to share, or null to share none
   */
  public Executor bind(
      Map<String, NDArray> args,
      Map<String, NDArray> argGrads,
      Map<String, GradReq> gradReqs,
      Map<String, NDArray> aux,
      PlanOptions plan,
      Executor shared) {
    try {
      return new Executor(this, args, argGrads, gradReqs, aux, plan,
          shared == null ? null : shared.pool());
    } catch (IllegalArgumentException e) {
      throw named(e);
    }
  }

  /** An error about this symbol, naming the file it was read from, if any. */
  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException(source == null ? problem : source + ": " + problem);
  }

  /** {@code e}, naming the file this symbol was read from, if any. */
  private IllegalArgumentException named(IllegalArgumentException e) {
    return source == null ? e : new IllegalArgumentException(source + ": " + e.getMessage(), e);
  }

  /**
   * Infers shapes from {@code inputShapes}, allocates zeroed arrays for every argument, gradient
   * (where the request is not NULL) and auxiliary state, and binds. The executor owns these
   * arrays and releases them when it is closed.
   */
  public Executor simpleBind(Map<String, Shape> inputShapes, GradReq defaultReq) {
    Map<String, GradReq> reqs = new HashMap<>();
    for (String a : listArguments()) {
      reqs.put(a, defaultReq);
    }
    return simpleBind(inputShapes, reqs);
  }

  /** As {@link #simpleBind(Map, GradReq)} with a request per argument (missing = NULL). */
  public Executor simpleBind(Map<String, Shape> inputShapes, Map<String, GradReq> gradReqs) {
    return simpleBind(inputShapes, gradReqs, PlanOptions.fromSystemProperties());
  }

  /** As {@link #simpleBind(Map, Map)}, planning memory with {@code plan}. */
  public Executor simpleBind(Map<String, Shape> inputShapes, Map<String, GradReq> gradReqs,
      PlanOptions plan) {
    return simpleBind(inputShapes, gradReqs, plan, null);
  }

  /**
   * As {@link #simpleBind(Map, Map, PlanOptions)}, sharing with {@code shared} (MXNet's {@code
   * simple_bind(shared_exec=..., shared_arg_names=...)}, as bucketing binds): every argument not
   * in {@code inputShapes} (the parameters: give every input there, labels included) is
   * {@code shared}'s array, and its gradient
   * {@code shared}'s where it has one, as are the auxiliary states; the internal memory is
   * shared as {@link #bind(Map, Map, Map, Map, PlanOptions, Executor)} shares it. The new
   * executor owns only the arrays it allocated (the inputs, gradients {@code shared} lacks);
   * {@code shared} must stay open while it is used, and the two must not run at the same time.
   *
   * @param shared an open executor of this symbol, or null
   * @throws IllegalArgumentException naming a parameter or auxiliary state whose shape differs
   *     from {@code shared}'s
   */
  public Executor simpleBind(Map<String, Shape> inputShapes, Map<String, GradReq> gradReqs,
      PlanOptions plan, Executor shared) {
    return simpleBind(inputShapes, gradReqs, plan, shared, null);
  }

  /**
   * As {@link #simpleBind(Map, Map, PlanOptions)}, but every argument not in {@code inputShapes}
   * (the parameters: give every input there, labels included) is {@code params.apply(name,
   * shape)}, an array the caller owns: executors bound so read one parameter array (the tasks of
   * a level-1 group, decision 0025). Their gradients, auxiliary states and internal memory are
   * each executor's own. A parameter's writer (a pull of new weights) is ordered after the
   * readers through the array's engine variable like any other.
   *
   * @param params the array of a parameter, which must have the given shape
   * @throws IllegalArgumentException naming a parameter whose array has another shape
   */
  public Executor simpleBindWithParams(Map<String, Shape> inputShapes,
      Map<String, GradReq> gradReqs, PlanOptions plan,
      BiFunction<String, Shape, NDArray> params) {
    return simpleBind(inputShapes, gradReqs, plan, null, Objects.requireNonNull(params, "params"));
  }

  private Executor simpleBind(Map<String, Shape> inputShapes, Map<String, GradReq> gradReqs,
      PlanOptions plan, Executor shared, BiFunction<String, Shape, NDArray> params) {
    InferredShapes shapes = inferShape(inputShapes);
    Map<String, NDArray> args = new LinkedHashMap<>();
    Map<String, NDArray> grads = new LinkedHashMap<>();
    Map<String, GradReq> reqs = new HashMap<>();
    List<NDArray> owned = new ArrayList<>();
    shapes.arguments().forEach((name, shape) -> {
      boolean parameter = !inputShapes.containsKey(name);
      boolean reuse = shared != null && parameter;
      args.put(name, reuse ? sharedArray(shared.argDict(), name, shape, "parameter")
          : parameter && params != null ? givenArray(params, name, shape)
          : allocate(shape, owned));
      GradReq r = gradReqs.getOrDefault(name, GradReq.NULL);
      reqs.put(name, r);
      if (r != GradReq.NULL) {
        grads.put(name, reuse && shared.gradDict().containsKey(name)
            ? shared.gradDict().get(name) : allocate(shape, owned));
      }
    });
    Map<String, NDArray> aux = new LinkedHashMap<>();
    shapes.auxiliaryStates().forEach((name, shape) -> aux.put(name, shared != null
        ? sharedArray(shared.auxDict(), name, shape, "auxiliary state")
        : allocate(shape, owned)));
    Executor e;
    try {
      e = bind(args, grads, reqs, aux, plan, shared);
    } catch (RuntimeException ex) {
      owned.forEach(NDArray::close);
      throw ex;
    }
    e.adopt(owned);
    return e;
  }

  private static NDArray allocate(Shape shape, List<NDArray> owned) {
    NDArray a = NDArray.zeros(shape);
    owned.add(a);
    return a;
  }

  /** The caller's array of parameter {@code name}, which must have {@code shape}. */
  private NDArray givenArray(BiFunction<String, Shape, NDArray> params, String name,
      Shape shape) {
    NDArray a = params.apply(name, shape);
    if (a == null || !a.shape().equals(shape)) {
      throw error("simpleBindWithParams: the parameter '" + name + "' is " + shape + " here but"
          + " the given array is " + (a == null ? "absent" : a.shape().toString()));
    }
    return a;
  }

  /** {@code shared}'s array {@code name}, which must have {@code shape}. */
  private NDArray sharedArray(Map<String, NDArray> shared, String name, Shape shape,
      String what) {
    NDArray a = shared.get(name);
    if (a == null || !a.shape().equals(shape)) {
      throw error("simpleBind: the " + what + " '" + name + "' is " + shape + " here but "
          + (a == null ? "absent" : a.shape().toString()) + " in the shared executor; executors"
          + " that share memory share their parameters, so their shapes must agree (give"
          + " every input, labels included, in the input shapes: the rest is shared)");
    }
    return a;
  }

  @Override
  public String toString() {
    return "Symbol" + listOutputs();
  }
}
