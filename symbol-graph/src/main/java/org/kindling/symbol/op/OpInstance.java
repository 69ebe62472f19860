package org.kindling.symbol.op;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.kindling.tensor.Shape;

/**
 * An operator together with its parsed parameters: what one graph node computes. Delegates to
 * the typed {@link Operator} so callers never handle the parameter type.
 *
 * @param <P> the operator's parameter type
 */
public final class OpInstance<P> {
  private final Operator<P> op;
  private final P params;

  private OpInstance(Operator<P> op, P params) {
    this.op = Objects.requireNonNull(op, "op");
    this.params = Objects.requireNonNull(params, "params");
  }

  /** Binds typed parameters to their operator. */
  public static <P> OpInstance<P> of(Operator<P> op, P params) {
    return new OpInstance<>(op, params);
  }

  /** Parses attribute strings for {@code op}; errors name the node and key. */
  public static <P> OpInstance<P> parse(Operator<P> op, String nodeName, Map<String, String> attrs) {
    return new OpInstance<>(op, op.parseAttrs(nodeName, attrs));
  }

  /** The operator. */
  public Operator<P> op() {
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

  /** The attribute strings for these parameters. */
  public Map<String, String> toAttrs() {
    return op.toAttrs(params);
  }

  /** Input names. */
  public List<String> inputNames() {
    return op.inputNames(params);
  }

  /** Output names. */
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

  /** Shape inference, see {@link Operator#inferShape}. */
  public void inferShape(ShapeSlots slots) {
    op.inferShape(params, slots);
  }

  /** See {@link Operator#backwardNeedsOutputGrad}. */
  public boolean backwardNeedsOutputGrad() {
    return op.backwardNeedsOutputGrad(params);
  }

  /** Runs the forward kernel. */
  public void forward(ForwardContext ctx) {
    op.forward(params, ctx);
  }

  /** Runs the backward kernel. */
  public void backward(BackwardContext ctx) {
    op.backward(params, ctx);
  }

  /** Runs the float64 reference forward. */
  public double[][] referenceForward(Shape[] inShapes, double[][] inputs) {
    return op.referenceForward(params, inShapes, inputs);
  }

  @Override
  public String toString() {
    return op.name() + params;
  }
}
