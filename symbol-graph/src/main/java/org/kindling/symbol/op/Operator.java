package org.kindling.symbol.op;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kindling.tensor.Shape;

/**
 * Everything about one operator in one place, as MXNet's operator registration: its MXNet name
 * and aliases, its parameters (names, types, defaults), its inputs and outputs, shape inference,
 * the forward and backward CPU kernels, and a naive float64 reference kernel that tests use as
 * an oracle.
 *
 * <p>Each operator is a singleton reached through {@link Operators} (typed handles); the
 * {@link OperatorRegistry} resolves names only where names come from files.
 *
 * <p>Kernel contract: kernels run inside one engine operation on direct float buffers prepared
 * when a graph is bound; they must not allocate per call. Backward kernels write input
 * gradients in input order, honouring each input's {@link org.kindling.symbol.GradReq}.
 *
 * @param <P> the operator's typed parameter record
 */
public abstract class Operator<P> {
  private final String name;
  private final List<String> aliases;
  private final List<Param<?>> params;

  /**
   * @param name MXNet's canonical registered name
   * @param aliases other names that resolve to this operator on load
   * @param params the declared parameters, in MXNet's declaration order
   */
  protected Operator(String name, List<String> aliases, List<Param<?>> params) {
    this.name = name;
    this.aliases = List.copyOf(aliases);
    this.params = List.copyOf(params);
  }

  /** The canonical name written to symbol JSON, e.g. {@code FullyConnected}. */
  public final String name() {
    return name;
  }

  /** Alias names accepted on load, e.g. {@code Softmax} for {@code SoftmaxOutput}. */
  public final List<String> aliases() {
    return aliases;
  }

  /** The declared parameters. */
  public final List<Param<?>> params() {
    return params;
  }

  /**
   * Parses a node's attribute strings into typed parameters. Hidden {@code __x__} keys are
   * ignored; unknown keys, missing required parameters and malformed values are errors.
   *
   * @throws IllegalArgumentException naming the operator, the node and the key
   */
  public final P parseAttrs(String nodeName, Map<String, String> attrs) {
    try {
      return fromValues(ParamValues.parse(params, attrs));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          name + " node '" + nodeName + "': " + e.getMessage(), e);
    }
  }

  /** Builds the typed parameters from parsed values (validated again by the record). */
  protected abstract P fromValues(ParamValues values);

  /**
   * The attribute strings MXNet's front end would write for parameters set from Java: required
   * parameters and those that differ from their defaults, keys sorted.
   */
  public abstract Map<String, String> toAttrs(P p);

  /** Helper for {@link #toAttrs}: adds {@code value} if the parameter is required or non-default. */
  protected static <T> void putIfSet(TreeMap<String, String> attrs, Param<T> param, T value) {
    if (!param.isDefault(value)) {
      attrs.put(param.name(), param.format(value));
    }
  }

  /**
   * Rejects a 0-dimensional data shape: the operator reads its first axis as the batch.
   *
   * @throws IllegalArgumentException naming the shape
   */
  static void requireBatchAxis(Shape data) {
    if (data.ndim() == 0) {
      throw new IllegalArgumentException("data must have at least one dimension, got " + data);
    }
  }

  /** Input names in order, e.g. {@code [data, weight, bias]}. */
  public abstract List<String> inputNames(P p);

  /** Output names (visible outputs first), e.g. {@code [output]}. */
  public List<String> outputNames(P p) {
    return List.of("output");
  }

  /** Total number of outputs, visible and hidden. */
  public int numOutputs(P p) {
    return outputNames(p).size();
  }

  /** Number of visible outputs (those listed by {@code listOutputs}). */
  public int numVisibleOutputs(P p) {
    return numOutputs(p);
  }

  /** Indices of inputs the operator mutates (auxiliary states, e.g. BatchNorm's moving stats). */
  public Set<Integer> mutableInputs(P p) {
    return Set.of();
  }

  /**
   * Infers unknown input and output shapes from known ones, in both directions where MXNet
   * does. Leaves slots unknown when there is not enough information yet.
   *
   * @throws IllegalArgumentException if the known shapes are inconsistent
   */
  public abstract void inferShape(P p, ShapeSlots slots);

  /** True if the backward kernel reads the output gradient (false for loss heads). */
  public boolean backwardNeedsOutputGrad(P p) {
    return true;
  }

  /** Runs the forward kernel. */
  public abstract void forward(P p, ForwardContext ctx);

  /** Runs the backward kernel. */
  public abstract void backward(P p, BackwardContext ctx);

  /**
   * The naive float64 reference of the forward computation, for tests.
   *
   * @param inShapes input shapes
   * @param inputs input values, row-major, one array per input
   * @return output values, one array per output
   */
  public abstract double[][] referenceForward(P p, Shape[] inShapes, double[][] inputs);

  @Override
  public String toString() {
    return name;
  }
}
