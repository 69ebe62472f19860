package org.kindling.symbol.module;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kindling.symbol.Executor;
import org.kindling.tensor.op.GradReq;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.init.Initializer;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.metric.EvalMetric;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.DType;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.io.ParamsFile;

/**
 * Trains or scores a symbol, as MXNet's {@code Module}: bind for data and label shapes,
 * initialize parameters, set up an optimizer (locally or on a {@link KVStore}), then per batch
 * {@link #forwardBackward} and {@link #update}; checkpoints as {@code prefix-symbol.json} plus
 * {@code prefix-%04d.params} with {@code arg:}/{@code aux:} names (formats.md §3.5).
 *
 * <p>Parameters are the symbol's arguments other than the data and label inputs. They live in
 * the bound executor's arrays; {@link #getParams()} returns copies. A module is used from one
 * thread; its work runs on the engine.
 */
public final class Module implements AutoCloseable {
  private final Symbol symbol;
  private final List<String> dataNames;
  private final List<String> labelNames;
  private final List<String> paramNames;
  private final List<String> auxNames;
  /** Parameters read by {@link #loadParams} and not yet applied by {@link #initParams}. */
  private CheckpointParams loaded;
  private Executor exec;
  private boolean forTraining;
  private boolean paramsInitialized;
  private Optimizer optimizer;
  private KVStore kvStore;

  /** A module with MXNet's default names: data {@code data}, label {@code softmax_label}. */
  public Module(Symbol symbol) {
    this(symbol, List.of("data"),
        symbol.listArguments().contains("softmax_label") ? List.of("softmax_label") : List.of());
  }

  /**
   * @param symbol the network
   * @param dataNames the data inputs, in {@link DataBatch#data()} order
   * @param labelNames the label inputs, in {@link DataBatch#label()} order (may be empty)
   * @throws IllegalArgumentException if a name is not an argument of the symbol
   */
  public Module(Symbol symbol, List<String> dataNames, List<String> labelNames) {
    this.symbol = symbol;
    this.dataNames = List.copyOf(dataNames);
    this.labelNames = List.copyOf(labelNames);
    List<String> args = symbol.listArguments();
    for (String n : concat(dataNames, labelNames)) {
      if (!args.contains(n)) {
        throw new IllegalArgumentException(
            "module: input '" + n + "' is not an argument of the symbol (arguments: " + args + ")");
      }
    }
    List<String> params = new ArrayList<>();
    for (String a : args) {
      if (!dataNames.contains(a) && !labelNames.contains(a)) {
        params.add(a);
      }
    }
    this.paramNames = List.copyOf(params);
    this.auxNames = symbol.listAuxiliaryStates();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * Loads {@code prefix-symbol.json} and {@code prefix-%04d.params}; the parameters are applied
   * by the next {@link #initParams}.
   */
  public static Module loadCheckpoint(Path prefix, int epoch) throws IOException {
    Module m = new Module(Symbol.load(symbolPath(prefix)));
    m.loadParams(paramsPath(prefix, epoch));
    return m;
  }

  /** As {@link #loadCheckpoint(Path, int)} with explicit data and label names. */
  public static Module loadCheckpoint(
      Path prefix, int epoch, List<String> dataNames, List<String> labelNames) throws IOException {
    Module m = new Module(Symbol.load(symbolPath(prefix)), dataNames, labelNames);
    m.loadParams(paramsPath(prefix, epoch));
    return m;
  }

  /** {@code prefix-symbol.json}. */
  public static Path symbolPath(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + "-symbol.json");
  }

  /** {@code prefix-%04d.params}. */
  public static Path paramsPath(Path prefix, int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    return prefix.resolveSibling(String.format("%s-%04d.params", prefix.getFileName(), epoch));
  }

  /**
   * Reads a {@code .params} file ({@code arg:}/{@code aux:} names, or bare parameter names as
   * Gluon writes them, see {@link CheckpointParams}); the values are applied by
   * {@link #initParams} (or at once if parameters are already initialized).
   *
   * @throws FormatException if the file is corrupt, has no names or repeats a name
   */
  public void loadParams(Path file) throws IOException {
    CheckpointParams p = CheckpointParams.split(ParamsFile.read(file), symbol, file.toString());
    if (paramsInitialized) {
      try (p) {
        setParams(p.args(), p.aux());
      }
    } else {
      releaseLoaded();
      loaded = p;
    }
  }


  /** Binds with one data and one label input ({@code labelShape} may be null for inference). */
  public void bind(Shape dataShape, Shape labelShape, boolean forTraining) {
    Map<String, Shape> data = new LinkedHashMap<>();
    data.put(single(dataNames, "data"), dataShape);
    Map<String, Shape> label = new LinkedHashMap<>();
    if (labelShape != null) {
      label.put(single(labelNames, "label"), labelShape);
    }
    bind(data, label, forTraining);
  }

  private static String single(List<String> names, String what) {
    if (names.size() != 1) {
      throw new IllegalStateException("module has " + names.size() + " " + what
          + " inputs " + names + "; bind with a map of shapes");
    }
    return names.get(0);
  }

  /**
   * Allocates the executor for the given input shapes. Label shapes may be omitted when they
   * can be inferred (e.g. for scoring). Binding again keeps the current parameter values.
   *
   * @param forTraining true to allocate gradients (grad_req write for parameters)
   * @throws IllegalArgumentException for unknown names or shapes that do not fit the symbol
   */
  public void bind(Map<String, Shape> dataShapes, Map<String, Shape> labelShapes,
      boolean forTraining) {
    if (!dataShapes.keySet().equals(new HashSet<>(dataNames))) {
      throw new IllegalArgumentException(
          "bind: data shapes " + dataShapes.keySet() + " must be given for exactly " + dataNames);
    }
    for (String k : labelShapes.keySet()) {
      if (!labelNames.contains(k)) {
        throw new IllegalArgumentException(
            "bind: '" + k + "' is not a label input (labels: " + labelNames + ")");
      }
    }
    Map<String, Shape> shapes = new LinkedHashMap<>(dataShapes);
    shapes.putAll(labelShapes);
    Map<String, GradReq> reqs = new LinkedHashMap<>();
    for (String p : paramNames) {
      reqs.put(p, forTraining ? GradReq.WRITE : GradReq.NULL);
    }
    Executor previous = exec;
    Executor next = symbol.simpleBind(shapes, reqs);
    if (previous != null && paramsInitialized) {
      for (String p : paramNames) {
        previous.argDict().get(p).copyTo(next.argDict().get(p));
      }
      for (String a : auxNames) {
        previous.auxDict().get(a).copyTo(next.auxDict().get(a));
      }
    }
    exec = next;
    this.forTraining = forTraining;
    if (previous != null) {
      previous.close(); // after the copies above: a release waits for pending reads
    }
  }

  /**
   * Initializes parameters: values loaded from a checkpoint win; the rest come from
   * {@code initializer}.
   *
   * @throws IllegalStateException if not bound
   * @throws IllegalArgumentException if a parameter is missing and {@code initializer} is null
   */
  public void initParams(Initializer initializer) {
    initParams(initializer,
        loaded == null ? Map.of() : loaded.args(),
        loaded == null ? Map.of() : loaded.aux(), initializer != null);
  }

  /**
   * Initializes parameters from {@code argParams}/{@code auxParams}, filling the missing ones
   * with {@code initializer} when {@code allowMissing}.
   *
   * @throws IllegalArgumentException for a missing parameter (unless allowed), a name that is
   *     not a parameter, or a shape that does not fit
   */
  public void initParams(Initializer initializer, Map<String, NDArray> argParams,
      Map<String, NDArray> auxParams, boolean allowMissing) {
    Executor e = requireBound();
    checkNames(argParams.keySet(), paramNames, "argument");
    checkNames(auxParams.keySet(), auxNames, "auxiliary state");
    for (String p : paramNames) {
      assign(p, argParams.get(p), e.argDict().get(p), initializer, allowMissing);
    }
    for (String a : auxNames) {
      assign(a, auxParams.get(a), e.auxDict().get(a), initializer, allowMissing);
    }
    paramsInitialized = true;
    releaseLoaded(); // copied into the executor (or superseded by the caller's maps)
  }

  /** Sets every parameter from the given maps (no missing or extra names). */
  public void setParams(Map<String, NDArray> argParams, Map<String, NDArray> auxParams) {
    initParams(null, argParams, auxParams, false);
  }

  private static void checkNames(Iterable<String> given, List<String> known, String what) {
    for (String n : given) {
      if (!known.contains(n)) {
        throw new IllegalArgumentException(
            "parameter '" + n + "' is not an " + what + " of the symbol (known: " + known + ")");
      }
    }
  }

  private static void assign(String name, NDArray src, NDArray dst, Initializer init,
      boolean allowMissing) {
    if (src == null) {
      if (!allowMissing || init == null) {
        throw new IllegalArgumentException("parameter '" + name + "' is missing"
            + (init == null ? " and no initializer was given" : ""));
      }
      init.init(name, dst);
      return;
    }
    if (src.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException("parameter '" + name + "' is "
          + src.dtype().numpyName() + "; float32 is required");
    }
    if (!src.shape().equals(dst.shape())) {
      throw new IllegalArgumentException("parameter '" + name + "' has shape " + src.shape()
          + " but the bound symbol needs " + dst.shape());
    }
    src.copyTo(dst);
  }

  /**
   * Sets up updates. With a store: {@code kv.init} each parameter by name, install the
   * optimizer on the store (updates run there), then pull the store's values (rank 0's initial
   * weights win). Without a store ({@code kv == null}) updates run locally.
   */
  public void initOptimizer(KVStore kv, Optimizer opt) {
    initOptimizer(kv, opt, true);
  }

  /**
   * As {@link #initOptimizer(KVStore, Optimizer)}; with {@code initStore = false} the keys and
   * the optimizer are assumed to be set on {@code kv} already (by another module sharing the
   * store, which may init each key only once), and this module only pulls the current values.
   */
  public void initOptimizer(KVStore kv, Optimizer opt, boolean initStore) {
    Executor e = requireBound();
    if (!forTraining) {
      throw new IllegalStateException("initOptimizer: module was bound for inference");
    }
    if (!paramsInitialized) {
      throw new IllegalStateException("initOptimizer: call initParams first");
    }
    this.optimizer = Objects.requireNonNull(opt, "optimizer");
    this.kvStore = kv;
    if (kv != null) {
      if (initStore) {
        for (String p : paramNames) {
          kv.init(p, e.argDict().get(p));
        }
        kv.setOptimizer(opt);
      }
      for (String p : paramNames) {
        kv.pull(p, e.argDict().get(p));
      }
    }
  }

  /** Copies the batch into the executor and runs forward. */
  public void forward(DataBatch batch, boolean isTrain) {
    Executor e = requireBound();
    if (isTrain && !forTraining) {
      throw new IllegalStateException("forward(isTrain=true) on a module bound for inference");
    }
    copyInputs(batch.data(), dataNames, e, "data");
    if (isTrain && batch.label().isEmpty() && !labelNames.isEmpty()) {
      throw new IllegalArgumentException(
          "forward(isTrain=true): the batch has no labels for " + labelNames);
    }
    if (!batch.label().isEmpty()) {
      copyInputs(batch.label(), labelNames, e, "label");
    }
    e.forward(isTrain);
  }

  private static void copyInputs(List<NDArray> given, List<String> names, Executor e,
      String what) {
    if (given.size() != names.size()) {
      throw new IllegalArgumentException("batch has " + given.size() + " " + what
          + " arrays but the module expects " + names.size() + " " + names);
    }
    for (int i = 0; i < names.size(); i++) {
      NDArray dst = e.argDict().get(names.get(i));
      NDArray src = given.get(i);
      if (!src.shape().equals(dst.shape())) {
        throw new IllegalArgumentException("batch " + what + " '" + names.get(i) + "' is "
            + src.shape() + " but the module is bound for " + dst.shape() + "; bind again");
      }
      src.copyTo(dst);
    }
  }

  /** Runs backward after a training forward. */
  public void backward() {
    requireTraining("backward").backward();
  }

  /** {@link #forward(DataBatch, boolean) forward(batch, true)} then {@link #backward()}. */
  public void forwardBackward(DataBatch batch) {
    forward(batch, true);
    backward();
  }

  /**
   * Applies the gradients: per parameter, in order, {@code kv.push(name, grad)} then
   * {@code kv.pull(name, weight)}, or a local optimizer update without a store.
   */
  public void update() {
    Executor e = requireTraining("update");
    if (optimizer == null) {
      throw new IllegalStateException("update: call initOptimizer first");
    }
    for (String p : paramNames) {
      NDArray weight = e.argDict().get(p);
      NDArray grad = e.gradDict().get(p);
      if (kvStore != null) {
        kvStore.push(p, grad);
        kvStore.pull(p, weight);
      } else {
        optimizer.update(p, weight, grad);
      }
    }
  }

  /** The executor's outputs (e.g. the softmax probabilities). */
  public List<NDArray> outputs() {
    return requireBound().outputs();
  }

  /** Adds the current outputs against {@code labels} to {@code metric}. */
  public void updateMetric(EvalMetric metric, List<NDArray> labels) {
    metric.update(labels, outputs(), 0);
  }

  /** Adds the current outputs against the batch's labels, skipping its padded rows. */
  public void updateMetric(EvalMetric metric, DataBatch batch) {
    metric.update(batch.label(), outputs(), batch.pad());
  }

  /** Copies of the argument parameters by name, in parameter order. */
  public Map<String, NDArray> getParams() {
    return copies(paramNames, requireBound().argDict());
  }

  /** Copies of the auxiliary states by name. */
  public Map<String, NDArray> getAuxParams() {
    return copies(auxNames, requireBound().auxDict());
  }

  private static Map<String, NDArray> copies(List<String> names, Map<String, NDArray> arrays) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, arrays.get(n).copy());
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Writes {@code prefix-symbol.json} and {@code prefix-%04d.params} (names {@code arg:<name>},
   * {@code aux:<name>}), each atomically.
   */
  public void saveCheckpoint(Path prefix, int epoch) throws IOException {
    Executor e = requireBound();
    List<String> names = new ArrayList<>();
    List<NDArray> arrays = new ArrayList<>();
    for (String p : paramNames) {
      names.add("arg:" + p);
      arrays.add(e.argDict().get(p));
    }
    for (String a : auxNames) {
      names.add("aux:" + a);
      arrays.add(e.auxDict().get(a));
    }
    for (NDArray a : arrays) {
      a.waitToRead();
    }
    symbol.save(symbolPath(prefix));
    ParamsFile.writeAtomically(paramsPath(prefix, epoch), names, arrays);
  }

  private Executor requireBound() {
    if (exec == null) {
      throw new IllegalStateException("module is not bound; call bind first");
    }
    return exec;
  }

  private Executor requireTraining(String what) {
    Executor e = requireBound();
    if (!forTraining) {
      throw new IllegalStateException(what + ": module was bound for inference");
    }
    return e;
  }

  /** The network. */
  public Symbol symbol() {
    return symbol;
  }

  /** Data input names. */
  public List<String> dataNames() {
    return dataNames;
  }

  /** Label input names. */
  public List<String> labelNames() {
    return labelNames;
  }

  /** Parameter names (arguments other than data and labels), in argument order. */
  public List<String> paramNames() {
    return paramNames;
  }

  /** Auxiliary-state names. */
  public List<String> auxNames() {
    return auxNames;
  }

  /** The bound executor. */
  public Executor executor() {
    return requireBound();
  }

  /**
   * Releases the bound executor's arrays and any loaded parameters not yet used. Arrays returned
   * by {@link #getParams()} are the caller's. Idempotent.
   */
  @Override
  public void close() {
    if (exec != null) {
      exec.close();
      exec = null;
    }
    releaseLoaded();
  }

  private void releaseLoaded() {
    if (loaded != null) {
      loaded.close();
      loaded = null;
    }
  }
}
