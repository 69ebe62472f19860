package org.kindling.symbol.op;

import java.util.List;

/** Typed handles to every operator; the one place where the set of operators is listed. */
public final class Operators {
  /** {@code FullyConnected}. */
  public static final FullyConnected FULLY_CONNECTED = new FullyConnected();
  /** {@code Activation}. */
  public static final Activation ACTIVATION = new Activation();
  /** {@code SoftmaxOutput} (alias {@code Softmax}). */
  public static final SoftmaxOutput SOFTMAX_OUTPUT = new SoftmaxOutput();
  /** {@code Flatten} (alias {@code flatten}). */
  public static final Flatten FLATTEN = new Flatten();
  /** {@code Reshape} (alias {@code reshape}). */
  public static final Reshape RESHAPE = new Reshape();
  /** {@code elemwise_add} (aliases {@code _add}, {@code _plus}, {@code _Plus}). */
  public static final ElemwiseAdd ELEMWISE_ADD = new ElemwiseAdd();

  private Operators() {}

  /** Every operator. */
  public static List<Operator<?>> all() {
    return List.of(
        FULLY_CONNECTED, ACTIVATION, SOFTMAX_OUTPUT, FLATTEN, RESHAPE, ELEMWISE_ADD);
  }
}
