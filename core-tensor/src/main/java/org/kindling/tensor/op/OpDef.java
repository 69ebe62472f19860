package org.kindling.tensor.op;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kindling.tensor.Shape;

/**
 * The definition of one operator, as MXNet's operator registration ({@code NNVM_REGISTER_OP}):
 * its name and aliases, its parameters with MXNet's names and defaults, its inputs and outputs,
 * shape and type inference, in-place options, mutable inputs, what its backward pass reads, its
 * kernels, a float64 reference of its forward computation, and sample configurations for the
 * test suites. Everything about an operator is in its one class; its kernels may live beside it.
 *
 * <p><b>Parameters.</b> {@code P} is a record whose components are the declared parameters in
 * declaration order, named as MXNet's in camel case ({@code num_hidden} is {@code numHidden}), so
 * that parsing attribute strings and writing them back needs no code per operator. Optional
 * parameters ({@code None}) are boxed components that may be null.
 *
 * <p><b>Registration.</b> Concrete operators are services ({@code @AutoService(OpDef.class)}) with
 * a public no-argument constructor, or members of an {@link OpFamily} service where one class
 * defines several operators from a table; {@link OpRegistry} finds both. Definitions are
 * stateless: two instances of the same class with the same name are equal. A typed handle
 * {@code public static final X OP} must be declared after the {@link Param} constants, which the
 * constructor reads.
 *
 * @param <P> the parameter record
 */
public abstract class OpDef<P extends Record> {
  private final String name;
  private final List<String> aliases;
  private final List<Param<?>> params;
  private final Class<P> paramsType;
  private final RecordComponent[] components;
  private final Constructor<P> constructor;

  /**
   * @param name MXNet's canonical registered name, e.g. {@code FullyConnected}
   * @param aliases other names that resolve to this operator when read from files
   * @param paramsType the parameter record
   * @param params the declared parameters, in MXNet's order, matching the record's components
   * @throws IllegalStateException if the record does not match the parameters
   */
  protected OpDef(String name, List<String> aliases, Class<P> paramsType, List<Param<?>> params) {
    this.name = name;
    this.aliases = List.copyOf(aliases);
    this.params = List.copyOf(params);
    this.paramsType = paramsType;
    this.components = paramsType.getRecordComponents();
    if (components.length != params.size()) {
      throw new IllegalStateException(name + ": " + paramsType.getSimpleName() + " has "
          + components.length + " components for " + params.size() + " parameters");
    }
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      String expected = camelCase(params.get(i).name());
      if (!components[i].getName().equals(expected)) {
        throw new IllegalStateException(name + ": component " + i + " of "
            + paramsType.getSimpleName() + " is '" + components[i].getName() + "', expected '"
            + expected + "' for parameter " + params.get(i).name());
      }
      types[i] = components[i].getType();
    }
    try {
      this.constructor = paramsType.getDeclaredConstructor(types);
      constructor.setAccessible(true);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(name + ": no canonical constructor", e);
    }
  }

  /** Same, without aliases. */
  protected OpDef(String name, Class<P> paramsType, Param<?>... params) {
    this(name, List.of(), paramsType, List.of(params));
  }

  /** {@code num_hidden} becomes {@code numHidden}. */
  static String camelCase(String mxName) {
    StringBuilder sb = new StringBuilder();
    boolean upper = false;
    for (char c : mxName.toCharArray()) {
      if (c == '_') {
        upper = sb.length() > 0;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }

  /** The canonical name written to symbol JSON. */
  public final String name() {
    return name;
  }

  /** Names accepted on load besides {@link #name()}. */
  public final List<String> aliases() {
    return aliases;
  }

  /** The declared parameters. */
  public final List<Param<?>> params() {
    return params;
  }

  /** The parameter record's class. */
  public final Class<P> paramsType() {
    return paramsType;
  }

  /**
   * Parses a node's attribute strings. Hidden {@code __x__} keys are ignored; missing required
   * parameters and malformed values are errors, and so are unknown keys if {@link
   * #rejectsUnknownAttrs()}.
   *
   * @throws IllegalArgumentException naming the operator, the node and the key
   */
  public final P parseAttrs(String nodeName, Map<String, String> attrs) {
    try {
      ParamValues v = ParamValues.parse(params, attrs, rejectsUnknownAttrs());
      Object[] args = new Object[params.size()];
      for (int i = 0; i < args.length; i++) {
        args[i] = v.get(params.get(i));
      }
      return construct(args);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " node '" + nodeName + "': " + e.getMessage(), e);
    }
  }

  /**
   * Whether an attribute key that is neither a parameter nor hidden is an error. MXNet rejects
   * such keys through the operator's parameter parser; operators registered without one (every
   * operator without parameters) accept them, and a symbol file keeps them as plain attributes.
   */
  public boolean rejectsUnknownAttrs() {
    return !params.isEmpty();
  }

  /**
   * Hidden attributes MXNet gives a variable that feeds input {@code input} when the node is
   * composed, or when a file older than 0.9.4 is loaded (its {@code FSetInputVarAttrOnCompose}):
   * an initializer such as {@code __init__ = ["zero", {}]}. MXNet leaves a variable that already
   * has an {@code __init__} unchanged. None by default.
   */
  public Map<String, String> inputVariableAttrs(P p, int input) {
    return Map.of();
  }

  /** The parameters with every default, for operators without required parameters. */
  public final P defaults() {
    return parseAttrs("defaults", Map.of());
  }

  private P construct(Object[] args) {
    try {
      return constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(name + ": cannot build parameters", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(name + ": cannot build parameters", e);
    }
  }

  /**
   * The attribute strings MXNet's front end would write: required parameters and those that
   * differ from their defaults, keys sorted.
   */
  public final Map<String, String> toAttrs(P p) {
    TreeMap<String, String> m = new TreeMap<>();
    for (int i = 0; i < params.size(); i++) {
      put(m, params.get(i), component(p, i));
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static <T> void put(TreeMap<String, String> m, Param<T> param, Object value) {
    T v = (T) value;
    if (!param.isDefault(v)) {
      m.put(param.name(), param.format(v));
    }
  }

  private Object component(P p, int i) {
    try {
      var accessor = components[i].getAccessor();
      accessor.setAccessible(true);
      return accessor.invoke(p);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(name + ": cannot read parameter " + params.get(i), e);
    }
  }

  // ------------------------------------------------------------------ structure

  /** Input names in order, e.g. {@code [data, weight, bias]}. */
  public abstract List<String> inputNames(P p);

  /** Output names, visible outputs first, e.g. {@code [output]}. */
  public List<String> outputNames(P p) {
    return List.of("output");
  }

  /** Total number of outputs, visible and hidden. */
  public int numOutputs(P p) {
    return outputNames(p).size();
  }

  /** Number of visible outputs (those {@code list_outputs} shows). */
  public int numVisibleOutputs(P p) {
    return numOutputs(p);
  }

  /** Indices of inputs the operator writes (auxiliary states, e.g. BatchNorm's moving stats). */
  public Set<Integer> mutableInputs(P p) {
    return Set.of();
  }

  /**
   * Infers unknown input and output shapes from known ones, in both directions where MXNet does;
   * leaves slots unknown when there is not enough information yet. By default every input and
   * output has the same shape ({@link ShapeSlots#allSame()}, MXNet's {@code ElemwiseShape}).
   *
   * @throws IllegalArgumentException if the known shapes are inconsistent
   */
  public void inferShape(P p, ShapeSlots s) {
    s.allSame();
  }

  /** Infers element types; by default every input and output has the same type. */
  public void inferType(P p, TypeSlots t) {
    t.allSame();
  }

  /**
   * Pairs {@code {input, output}} whose buffers may be shared (MXNet's {@code FInplaceOption}):
   * the kernel reads each element of that input before it writes the same element of the output.
   */
  public List<int[]> inplaceOptions(P p) {
    return List.of();
  }

  /**
   * True if the output is the input's data unchanged (reshape-like; MXNet's
   * {@code FInplaceIdentity}): it may share the input's buffer even when the input has other
   * readers.
   */
  public boolean inplaceIdentity(P p) {
    return false;
  }

  /**
   * True if an inference pass (not training) leaves output 0 equal to input 0 and the other
   * outputs are read only by the backward pass (Dropout in training mode: MXNet's inference
   * Dropout passes its data through). An executor without backward steps pushes no engine
   * operation for such a step when its output shares its input's memory (planned in place) and
   * no monitor watches. By default {@link #inplaceIdentity}, which holds in every pass.
   */
  public boolean inferenceIdentity(P p) {
    return inplaceIdentity(p);
  }

  /**
   * Pairs {@code {output, input}} for the backward pass: input {@code input}'s gradient may be
   * written into the buffer of output {@code output}'s gradient (MXNet's {@code FInplaceOption}
   * of the backward operator). The backward kernel reads each element of that output gradient
   * before it writes the same element of the input gradient, and reads it nowhere else
   * afterwards. Only used when the input gradient is overwritten ({@link GradReq#WRITE}), the
   * sizes match, and nothing else reads the output gradient later.
   */
  public List<int[]> backwardInplaceOptions(P p) {
    return List.of();
  }

  /**
   * What the backward pass reads; by default nothing where the {@link #gradient} is zero, else
   * everything (a safe, memory-hungry choice).
   */
  public BackwardDeps backwardDeps(P p) {
    if (gradient(p) == Gradient.ZERO) {
      return BackwardDeps.none();
    }
    java.util.Set<Integer> ins = new java.util.HashSet<>();
    for (int i = 0; i < inputNames(p).size(); i++) {
      ins.add(i);
    }
    java.util.Set<Integer> outs = new java.util.HashSet<>();
    for (int k = 0; k < numOutputs(p); k++) {
      outs.add(k);
    }
    return new BackwardDeps(true, ins, outs);
  }

  /** How gradients flow through this operator. */
  public enum Gradient {
    /** A backward kernel computes the input gradients. */
    DIFFERENTIABLE,
    /** The input gradients are zero (argmax, comparisons, one_hot, ...). */
    ZERO,
    /** Asking for a gradient through this operator is an error. */
    NONE
  }

  /** How gradients flow through this operator; differentiable by default. */
  public Gradient gradient(P p) {
    return Gradient.DIFFERENTIABLE;
  }

  // ------------------------------------------------------------------ kernels and tests

  /** The operator's own kernels (at least the default CPU kernel); backends may add more. */
  public abstract List<KernelFactory<P>> kernels();

  /**
   * The naive float64 reference of the forward computation: the plainest loops that define what
   * the operator computes, against which the kernels are tested. Mutable inputs are updated in
   * place in {@code in}, as the kernel updates them.
   *
   * @param inShapes input shapes
   * @param in input values, row-major, one array per input
   * @param train true for a training pass
   * @return output values, one array per output (hidden outputs included)
   */
  public abstract double[][] reference(P p, Shape[] inShapes, double[][] in, boolean train);

  /**
   * For loss heads (whose backward ignores the output gradient, {@link BackwardDeps#outputGrads()}
   * false): the float64 scalar loss whose gradient the backward pass computes, so that the
   * gradient suite can check it by central differences. Other operators need not override it.
   *
   * @throws UnsupportedOperationException if the operator is not a loss head
   */
  public double referenceLoss(P p, Shape[] inShapes, double[][] in) {
    throw new UnsupportedOperationException(name + " is not a loss head");
  }

  /** Configurations the test suites run; every operator declares at least one. */
  public abstract List<Sample<P>> samples();

  /** The node name MXNet generates for an unnamed node: the name in lower case, then a counter. */
  public String autoNameHint() {
    return name.toLowerCase(Locale.ROOT);
  }

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && ((OpDef<?>) o).name.equals(name);
  }

  @Override
  public final int hashCode() {
    return 31 * getClass().hashCode() + name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
