package org.kindling.symbol.module;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.kindling.symbol.Executor;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.callback.EpochRecord;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.symbol.init.InitDesc;
import org.kindling.symbol.init.Initializer;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.metric.EvalMetric;
import org.kindling.symbol.metric.MetricValue;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.symbol.optimizer.OptimizerSpec;
import org.kindling.tensor.DType;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataDesc;
import org.kindling.tensor.data.DataIter;
import org.kindling.tensor.io.AtomicFiles;
import org.kindling.tensor.io.ParamsFile;
import org.kindling.tensor.op.GradReq;

/**
 * Trains or scores a symbol, as MXNet's {@code Module}: {@link #bind} for data and label
 * shapes, {@link #initParams} (the initializer sees each variable's attributes, e.g. its {@code
 * __init__}), {@link #initOptimizer} (locally or on a {@link KVStore}, {@code rescale_grad =
 * 1/batch} as MXNet derives it), then per batch {@link #forwardBackward} and {@link #update} —
 * or all of it through {@link #fit}; {@link #score} and {@link #predict} for evaluation.
 * Checkpoints are {@code prefix-symbol.json} plus {@code prefix-%04d.params} with {@code
 * arg:}/{@code aux:} names (formats.md §3.5) and, when asked, {@code prefix-%04d.states}
 * (§3.8).
 *
 * <p>Parameters are the symbol's arguments other than the data and label inputs; auxiliary
 * states (BatchNorm's moving statistics) are updated by the forward pass. Both live in the bound
 * executor's arrays; {@link #getParams()} returns copies. A module is used from one thread; its
 * work runs on the engine.
 */
public final class Module implements AutoCloseable {
  private final Symbol symbol;
  private final List<String> dataNames;
  private final List<String> labelNames;
  private final List<String> paramNames;
  private final List<String> auxNames;
  /** Parameters read by {@link #loadParams} and not yet applied by {@link #initParams}. */
  private CheckpointParams loaded;
  /** Optimizer states read by {@link #loadCheckpoint}, applied by {@link #initOptimizer}. */
  private byte[] preloadedStates;
  /**
   * The executor {@link #bind} made, which owns the parameter arrays unless they come from
   * {@link #paramSource}.
   */
  private Executor base;
  /** Where bound parameter arrays come from ({@link #bindParamsTo}), or null to allocate them. */
  private BiFunction<String, Shape, NDArray> paramSource;
  /** The executor in use: {@link #base}, or a reshape of it for another batch size. */
  private Executor exec;
  private boolean forTraining;
  private boolean paramsInitialized;
  private Optimizer optimizer;
  private KVStore kvStore;

  /** A module with MXNet's default names: data {@code data}, label {@code softmax_label}. */
  public Module(Symbol symbol) {
    this(symbol, List.of(DataDesc.DEFAULT_DATA_NAME),
        symbol.listArguments().contains(DataDesc.DEFAULT_LABEL_NAME)
            ? List.of(DataDesc.DEFAULT_LABEL_NAME) : List.of());
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

  // ---------------------------------------------------------------- checkpoint files

  /**
   * Loads {@code prefix-symbol.json} and {@code prefix-%04d.params}; the parameters are applied
   * by the next {@link #initParams}.
   */
  public static Module loadCheckpoint(Path prefix, int epoch) throws IOException {
    return loadCheckpoint(prefix, epoch, false);
  }

  /**
   * As MXNet's {@code Module.load(prefix, epoch, load_optimizer_states)}: with {@code
   * loadOptimizerStates}, {@code prefix-%04d.states} is read too and loaded into the optimizer
   * that {@link #initOptimizer} sets up.
   *
   * @throws java.nio.file.NoSuchFileException naming a missing file
   */
  public static Module loadCheckpoint(Path prefix, int epoch, boolean loadOptimizerStates)
      throws IOException {
    Module m = new Module(Symbol.load(symbolPath(prefix)));
    m.loadParams(paramsPath(prefix, epoch));
    if (loadOptimizerStates) {
      m.preloadedStates = Files.readAllBytes(statesPath(prefix, epoch));
    }
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
    return numbered(prefix, epoch, "params");
  }

  /** {@code prefix-%04d.states}, the optimizer states of a checkpoint. */
  public static Path statesPath(Path prefix, int epoch) {
    return numbered(prefix, epoch, "states");
  }

  private static Path numbered(Path prefix, int epoch, String extension) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    return prefix.resolveSibling(
        String.format("%s-%04d.%s", prefix.getFileName(), epoch, extension));
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

  /**
   * Writes {@code prefix-symbol.json} and {@code prefix-%04d.params} (names {@code arg:<name>},
   * {@code aux:<name>}), each atomically, as MXNet's {@code save_checkpoint}.
   */
  public void saveCheckpoint(Path prefix, int epoch) throws IOException {
    saveCheckpoint(prefix, epoch, false);
  }

  /**
   * As {@link #saveCheckpoint(Path, int)}; with {@code saveOptimizerStates} also {@code
   * prefix-%04d.states} ({@link #saveOptimizerStates()}).
   *
   * @throws IOException naming the file that could not be written
   */
  public void saveCheckpoint(Path prefix, int epoch, boolean saveOptimizerStates)
      throws IOException {
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
    byte[] states = saveOptimizerStates ? saveOptimizerStates() : null;
    symbol.save(symbolPath(prefix));
    ParamsFile.writeAtomically(paramsPath(prefix, epoch), names, arrays);
    if (states != null) {
      AtomicFiles.write(statesPath(prefix, epoch), out -> out.write(states));
    }
  }

  // ---------------------------------------------------------------- binding

  /**
   * Later binds take each parameter's array from {@code source} ({@code source.apply(name,
   * shape)}, an array the caller owns and keeps open while this module is bound) instead of
   * allocating one: modules bound so read one weight array each ({@link
   * Symbol#simpleBindWithParams}), which one pull writes, ordered by the engine after their
   * readers. Gradients and auxiliary states stay each module's own. Call before {@link #bind}.
   *
   * @throws IllegalStateException if the module is bound already
   */
  public void bindParamsTo(BiFunction<String, Shape, NDArray> source) {
    if (base != null) {
      throw new IllegalStateException("bindParamsTo: call it before bind");
    }
    paramSource = Objects.requireNonNull(source, "source");
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

  /**
   * Binds for an iterator's descriptors, as MXNet's {@code bind(data_shapes=it.provide_data,
   * label_shapes=it.provide_label)}; label descriptors for inputs the module does not have (an
   * iterator's labels when scoring a network without a label input) are ignored.
   */
  public void bind(List<DataDesc> data, List<DataDesc> label, boolean forTraining) {
    Map<String, Shape> d = new LinkedHashMap<>();
    data.forEach(x -> d.put(x.name(), x.shape()));
    Map<String, Shape> l = new LinkedHashMap<>();
    label.stream().filter(x -> labelNames.contains(x.name()))
        .forEach(x -> l.put(x.name(), x.shape()));
    bind(d, l, forTraining);
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
    Executor next = paramSource == null ? symbol.simpleBind(shapes, reqs)
        : symbol.simpleBindWithParams(shapes, reqs, PlanOptions.fromSystemProperties(),
            paramSource);
    if (previous != null && paramsInitialized) {
      requireSameParamShapes(previous, next, shapes);
      for (String p : paramNames) {
        if (previous.argDict().get(p) != next.argDict().get(p)) { // a given array stays
          previous.argDict().get(p).copyTo(next.argDict().get(p));
        }
      }
      for (String a : auxNames) {
        previous.auxDict().get(a).copyTo(next.auxDict().get(a));
      }
    }
    if (previous != null) {
      closeExecutors(); // after the copies above: a release waits for pending reads
    }
    base = next;
    exec = next;
    this.forTraining = forTraining;
  }

  /** Closes the executor in use and the one {@link #bind} made (if they differ). */
  private void closeExecutors() {
    if (exec != base) {
      exec.close();
    }
    base.close();
    exec = null;
    base = null;
  }

  /** Rebinding keeps the parameters, so their shapes must not change; closes {@code next} if so. */
  private void requireSameParamShapes(Executor previous, Executor next, Map<String, Shape> inputs) {
    List<String> names = concat(paramNames, auxNames);
    for (String p : names) {
      Map<String, NDArray> was = paramNames.contains(p) ? previous.argDict() : previous.auxDict();
      Map<String, NDArray> now = paramNames.contains(p) ? next.argDict() : next.auxDict();
      if (!was.get(p).shape().equals(now.get(p).shape())) {
        next.close();
        throw new IllegalArgumentException("bind for " + inputs + ": parameter '" + p
            + "' would change from " + was.get(p).shape() + " to " + now.get(p).shape()
            + "; a module's parameters keep their shapes (make a new module)");
      }
    }
  }

  // ---------------------------------------------------------------- parameters

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
   * with {@code initializer} when {@code allowMissing}. As MXNet's {@code init_params}, names
   * are visited in sorted order and the initializer gets an {@link InitDesc} with the variable's
   * attributes ({@link Symbol#attrDict()}), so an {@code __init__} attribute (PReLU's gamma
   * 0.25, BatchNorm's moving statistics) decides over the name rules.
   *
   * @throws IllegalArgumentException for a missing parameter (unless allowed), a name that is
   *     not a parameter, or a shape that does not fit
   */
  public void initParams(Initializer initializer, Map<String, NDArray> argParams,
      Map<String, NDArray> auxParams, boolean allowMissing) {
    Executor e = requireBound();
    checkNames(argParams.keySet(), paramNames, "argument");
    checkNames(auxParams.keySet(), auxNames, "auxiliary state");
    Map<String, Map<String, String>> attrs = symbol.attrDict();
    for (String p : new TreeSet<>(paramNames)) {
      assign(desc(p, attrs), argParams.get(p), e.argDict().get(p), initializer, allowMissing);
    }
    for (String a : new TreeSet<>(auxNames)) {
      assign(desc(a, attrs), auxParams.get(a), e.auxDict().get(a), initializer, allowMissing);
    }
    paramsInitialized = true;
    releaseLoaded(); // copied into the executor (or superseded by the caller's maps)
  }

  private static InitDesc desc(String name, Map<String, Map<String, String>> attrs) {
    return new InitDesc(name, attrs.getOrDefault(name, Map.of()));
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

  private static void assign(InitDesc desc, NDArray src, NDArray dst, Initializer init,
      boolean allowMissing) {
    String name = desc.name();
    if (src == null) {
      if (!allowMissing || init == null) {
        throw new IllegalArgumentException("parameter '" + name + "' is missing"
            + (init == null ? " and no initializer was given" : ""));
      }
      init.init(desc, dst);
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

  /** True once {@link #initParams} (or {@link #setParams}) has run. */
  public boolean paramsInitialized() {
    return paramsInitialized;
  }

  // ---------------------------------------------------------------- optimizer

  /**
   * Sets up updates as MXNet's {@code init_optimizer(kvstore, optimizer, optimizer_params)}:
   * the spec is completed with {@code rescale_grad = 1 / batch} unless it gives one (the batch
   * multiplied by the number of workers for a distributed synchronous store, whose server sums
   * the workers' gradients), and with the {@code lr_mult}/{@code wd_mult} of parameters whose
   * variables carry {@code __lr_mult__}/{@code __wd_mult__} attributes (unless the spec sets
   * them), then created and installed as {@link #initOptimizer(KVStore, Optimizer)} does.
   *
   * @throws IllegalArgumentException naming a bad optimizer parameter
   */
  public void initOptimizer(KVStore kv, OptimizerSpec spec) {
    initOptimizer(kv, completeSpec(kv, spec).create(), true);
  }

  /**
   * The spec {@link #initOptimizer(KVStore, OptimizerSpec)} creates the optimizer from: with
   * MXNet's {@code rescale_grad} and the symbol's per-parameter multipliers filled in.
   */
  public OptimizerSpec completeSpec(KVStore kv, OptimizerSpec spec) {
    return OptimizerSetup.complete(spec, symbol, paramNames, batchSize(), kv);
  }

  /**
   * Sets up updates with an optimizer as given (MXNet warns, and so does this, when its {@code
   * rescale_grad} is not {@code 1 / batch}). With a store: {@code kv.init} each parameter by
   * name, install the optimizer on the store (updates run there), then pull the store's values
   * (rank 0's initial weights win). Without a store ({@code kv == null}) updates run locally.
   * Optimizer states preloaded by {@link #loadCheckpoint(Path, int, boolean)} are loaded into it.
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
    Objects.requireNonNull(opt, "optimizer");
    OptimizerSetup.warnOnRescale(opt, batchSize(), kv);
    this.optimizer = opt;
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
    if (preloadedStates != null) {
      byte[] states = preloadedStates;
      preloadedStates = null;
      loadOptimizerStates(states);
    }
  }

  /** True once {@link #initOptimizer} has run. */
  public boolean optimizerInitialized() {
    return optimizer != null;
  }

  /** The optimizer {@link #initOptimizer} installed, or null. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /**
   * The optimizer's states as a {@code .states} file image (formats.md §3.8), as MXNet's {@code
   * save_optimizer_states}.
   *
   * @throws IllegalStateException before {@link #initOptimizer}, or when the optimizer runs on a
   *     distributed store's server (its states are there; MXNet cannot save them either)
   */
  public byte[] saveOptimizerStates() {
    return localOptimizer("save").saveStates();
  }

  /**
   * Replaces the optimizer's states with a {@code .states} file image.
   *
   * @throws IllegalArgumentException if the image is not a state file of this optimizer's kind
   * @throws IllegalStateException as {@link #saveOptimizerStates()}
   */
  public void loadOptimizerStates(byte[] states) {
    localOptimizer("load").loadStates(states);
  }

  private Optimizer localOptimizer(String verb) {
    if (optimizer == null) {
      throw new IllegalStateException(verb + " optimizer states: call initOptimizer first");
    }
    if (kvStore != null && kvStore.type().contains("dist")) {
      throw new IllegalStateException("cannot " + verb + " optimizer states here: the optimizer"
          + " runs on the server of the " + kvStore.type() + " store, which keeps its states");
    }
    return optimizer;
  }

  // ---------------------------------------------------------------- computation

  /**
   * Copies the batch into the executor and runs forward. A batch whose data shapes differ from
   * the bound ones (another batch size, such as the last, smaller batch of {@link #predict})
   * runs on a reshape of the bound executor ({@link Executor#reshape}: the same parameter
   * arrays, the same internal memory), as MXNet's {@code forward} reshapes; a batch of the bound
   * shapes runs on the bound executor again.
   */
  public void forward(DataBatch batch, boolean isTrain) {
    Executor e = requireBound();
    if (isTrain && !forTraining) {
      throw new IllegalStateException("forward(isTrain=true) on a module bound for inference");
    }
    if (isTrain && batch.label().isEmpty() && !labelNames.isEmpty()) {
      throw new IllegalArgumentException(
          "forward(isTrain=true): the batch has no labels for " + labelNames);
    }
    if (!fits(batch.data(), dataNames, e)) {
      rebindFor(batch);
      e = exec;
    }
    copyInputs(batch.data(), dataNames, e, "data");
    if (!batch.label().isEmpty()) {
      copyInputs(batch.label(), labelNames, e, "label");
    }
    e.forward(isTrain);
  }

  private static boolean fits(List<NDArray> given, List<String> names, Executor e) {
    if (given.size() != names.size()) {
      return true; // copyInputs names the mismatch
    }
    for (int i = 0; i < names.size(); i++) {
      if (!given.get(i).shape().equals(e.argDict().get(names.get(i)).shape())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Switches to an executor for the batch's shapes: the one {@link #bind} made if they are its
   * own, else a reshape of it (MXNet's {@code forward} reshapes with {@code allow_up_sizing}),
   * which shares the parameter arrays and the internal memory, so nothing is copied.
   */
  private void rebindFor(DataBatch batch) {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    for (int i = 0; i < dataNames.size(); i++) {
      shapes.put(dataNames.get(i), batch.data().get(i).shape());
    }
    if (batch.label().size() == labelNames.size()) {
      for (int i = 0; i < labelNames.size(); i++) {
        shapes.put(labelNames.get(i), batch.label().get(i).shape());
      }
    } else if (!labelNames.isEmpty()) {
      Map<String, Shape> inferred = symbol.inferShapePartial(shapes).arguments();
      for (String l : labelNames) {
        if (inferred.get(l) != null) {
          shapes.put(l, inferred.get(l));
        }
      }
    }
    Executor next = base;
    for (Map.Entry<String, Shape> in : shapes.entrySet()) {
      if (!base.argDict().get(in.getKey()).shape().equals(in.getValue())) {
        try {
          next = base.reshape(shapes, false, true);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("forward: cannot run a batch of " + shapes
              + " with this module's parameters (they keep their shapes: make a new module"
              + " for others): " + e.getMessage(), e);
        }
        break;
      }
    }
    if (exec != base) {
      exec.close();
    }
    exec = next;
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
   * Applies the gradients: per parameter, in order, {@code kv.pushPull(name, grad, weight,
   * -index)} (MXNet's {@code _update_params_on_kvstore}: a push then a pull of the key, one
   * operation where the store makes them one), or a local
   * optimizer update without a store. With a store that makes them engine operations this
   * returns once they are issued: each gradient leaves as soon as backward has written it, and
   * the next forward waits only for the weights it reads.
   */
  public void update() {
    Executor e = requireTraining("update");
    if (optimizer == null) {
      throw new IllegalStateException("update: call initOptimizer first");
    }
    for (int i = 0; i < paramNames.size(); i++) {
      String p = paramNames.get(i);
      NDArray weight = e.argDict().get(p);
      NDArray grad = e.gradDict().get(p);
      if (kvStore != null) {
        // the first layer's weights have the highest priority: the next forward reads them first
        kvStore.pushPull(p, List.of(grad), List.of(weight), -i);
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

  /**
   * Adds the current outputs against the batch's labels, skipping its padded rows (MXNet counts
   * them; Kindling's metrics measure real samples only).
   */
  public void updateMetric(EvalMetric metric, DataBatch batch) {
    metric.update(batch.label(), outputs(), batch.pad());
  }

  // ---------------------------------------------------------------- loops

  /**
   * MXNet's {@code fit}: binds for {@code train}'s descriptors if needed, initializes
   * parameters and the optimizer if not done yet (with {@code options}' initializer, store and
   * optimizer), then runs epochs {@code beginEpoch .. numEpoch - 1}. Each batch: {@link
   * #forwardBackward}, {@link #update}, the training metric, the batch-end callbacks. Each epoch
   * end: the metric's global values, {@link #score} on {@code eval} if given, the epoch-end
   * callbacks ({@link org.kindling.symbol.callback.EpochEndParam} with this module's arrays,
   * valid during the call), then {@code train.reset()}. A callback answering {@code STOP} ends
   * training after that epoch.
   *
   * @param eval evaluation data, or null
   * @return one record per epoch run: epochs completed (from 1) and the {@code train_NAME} and
   *     {@code val_NAME} metric values
   * @throws IOException if the data cannot be read or a callback fails to write
   */
  public List<EpochRecord> fit(DataIter train, DataIter eval, FitOptions options)
      throws IOException {
    return TrainingLoop.fit(this, train, eval, options);
  }

  /**
   * MXNet's {@code score}: resets {@code data} and {@code metric}, runs every batch forward
   * (inference) into the metric, and returns its global values.
   *
   * @throws IllegalStateException if not bound or parameters are not initialized
   */
  public List<MetricValue> score(DataIter data, EvalMetric metric) throws IOException {
    return TrainingLoop.score(this, data, metric);
  }

  /**
   * MXNet's {@code predict}: resets {@code data}, runs every batch forward (inference) and
   * returns each output over all batches, padding rows removed: output {@code i} has shape
   * {@code (samples, ...)}. The arrays are the caller's.
   *
   * @throws IllegalStateException if not bound or parameters are not initialized
   */
  public List<NDArray> predict(DataIter data) throws IOException {
    return TrainingLoop.predict(this, data);
  }

  // ---------------------------------------------------------------- accessors

  /** Copies of the argument parameters by name, in parameter order. */
  public Map<String, NDArray> getParams() {
    return copies(paramNames, requireBound().argDict());
  }

  /** Copies of the auxiliary states by name. */
  public Map<String, NDArray> getAuxParams() {
    return copies(auxNames, requireBound().auxDict());
  }

  /** The bound argument parameters by name (not copies), in parameter order. */
  Map<String, NDArray> paramArrays() {
    return view(paramNames, requireBound().argDict());
  }

  /** The bound auxiliary states by name (not copies). */
  Map<String, NDArray> auxArrays() {
    return view(auxNames, requireBound().auxDict());
  }

  private static Map<String, NDArray> view(List<String> names, Map<String, NDArray> arrays) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, arrays.get(n));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Map<String, NDArray> copies(List<String> names, Map<String, NDArray> arrays) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, arrays.get(n).copy());
    }
    return Collections.unmodifiableMap(out);
  }

  Executor requireBound() {
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

  /** True once {@link #bind} has run. */
  public boolean isBound() {
    return exec != null;
  }

  /** True if bound with gradients ({@code forTraining}). */
  public boolean forTraining() {
    return exec != null && forTraining;
  }

  /** The bound batch size: the first axis of the first data input. */
  public int batchSize() {
    return requireBound().argDict().get(dataNames.get(0)).shape().get(0);
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
      closeExecutors();
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
