package org.kindling.tensor.op;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.kindling.tensor.Shape;

/**
 * An operator together with its parsed parameters: what one graph node or one imperative call
 * computes. Delegates to the typed {@link OpDef}, so callers never handle the parameter type.
 *
 * @param <P> the operator's parameter record
 */
public final class OpInstance<P extends Record> {
  private final OpDef<P> op;
  private final P params;
  /** The attribute strings, computed once: they identify the instance (equals, hashCode). */
  private final Map<String, String> attrs;

  private OpInstance(OpDef<P> op, P params) {
    this.op = Objects.requireNonNull(op, "op");
    this.params = Objects.requireNonNull(params, "params");
    this.attrs = Map.copyOf(op.toAttrs(params));
  }

  /** Binds typed parameters to their operator. */
  public static <P extends Record> OpInstance<P> of(OpDef<P> op, P params) {
    return new OpInstance<>(op, params);
  }

  /** Parses attribute strings for {@code op}; errors name the node and key. */
  public static <P extends Record> OpInstance<P> parse(OpDef<P> op, String nodeName,
      Map<String, String> attrs) {
    return new OpInstance<>(op, op.parseAttrs(nodeName, attrs));
  }

  /** The operator. */
  public OpDef<P> op() {
    return op;
  }

  /** The parameters. */
  public P params() {
    return params;
  }

  /** The operator's canonical name. */
  public String name() {
    return op.name();
  }

  /** The attribute strings for these parameters, keys sorted. */
  public Map<String, String> toAttrs() {
    return op.toAttrs(params);
  }

  /** Input names. */
  public List<String> inputNames() {
    return op.inputNames(params);
  }

  /** Output names (hidden ones included). */
  public List<String> outputNames() {
    return op.outputNames(params);
  }

  /** Total output count. */
  public int numOutputs() {
    return op.numOutputs(params);
  }

  /** Visible output count. */
  public int numVisibleOutputs() {
    return op.numVisibleOutputs(params);
  }

  /** Mutated (auxiliary) input indices. */
  public Set<Integer> mutableInputs() {
    return op.mutableInputs(params);
  }

  /** See {@link OpDef#inputVariableAttrs}. */
  public Map<String, String> inputVariableAttrs(int input) {
    return op.inputVariableAttrs(params, input);
  }

  /** Shape inference, see {@link OpDef#inferShape}. */
  public void inferShape(ShapeSlots slots) {
    op.inferShape(params, slots);
  }

  /** Type inference, see {@link OpDef#inferType}. */
  public void inferType(TypeSlots slots) {
    op.inferType(params, slots);
  }

  /** See {@link OpDef#inplaceOptions}. */
  public List<int[]> inplaceOptions() {
    return op.inplaceOptions(params);
  }

  /** See {@link OpDef#inplaceIdentity}. */
  public boolean inplaceIdentity() {
    return op.inplaceIdentity(params);
  }

  /** See {@link OpDef#inferenceIdentity}. */
  public boolean inferenceIdentity() {
    return op.inferenceIdentity(params);
  }

  /** See {@link OpDef#backwardInplaceOptions}. */
  public List<int[]> backwardInplaceOptions() {
    return op.backwardInplaceOptions(params);
  }

  /** See {@link OpDef#backwardDeps}. */
  public BackwardDeps backwardDeps() {
    return op.backwardDeps(params);
  }

  /** See {@link OpDef#gradient}. */
  public OpDef.Gradient gradient() {
    return op.gradient(params);
  }

  /** The kernel chosen for {@code signature} (see {@link OpRegistry#select}). */
  public Kernel selectKernel(KernelSignature signature) {
    return OpRegistry.select(op, params, signature);
  }

  /** Runs the float64 reference forward. */
  public double[][] reference(Shape[] inShapes, double[][] inputs, boolean train) {
    return op.reference(params, inShapes, inputs, train);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpInstance<?> i && i.op.equals(op) && i.attrs.equals(attrs);
  }

  @Override
  public int hashCode() {
    return op.hashCode() * 31 + attrs.hashCode();
  }

  @Override
  public String toString() {
    return op.name() + toAttrs();
  }
}
