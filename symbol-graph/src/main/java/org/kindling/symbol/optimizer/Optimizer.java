package org.kindling.symbol.optimizer;

import org.kindling.tensor.NDArray;

/**
 * Updates a weight from its gradient, keeping any per-key state (e.g. momentum) inside the
 * optimizer. Implementations are parameterised by MXNet's names ({@code learning_rate},
 * {@code momentum}, {@code wd}, {@code rescale_grad}, {@code clip_gradient}) and can be written
 * to and rebuilt from a text {@link #spec()}, which is how a distributed store ships the
 * optimizer to its server (no Java deserialization of untrusted bytes).
 */
public interface Optimizer {

  /**
   * Updates {@code weight} in place from {@code grad} for parameter {@code key}, as an engine
   * operation that reads {@code grad} and writes {@code weight} (and the optimizer's state).
   * Shapes of weight and grad are equal; state is created on the first update of a key.
   */
  void update(String key, NDArray weight, NDArray grad);

  /**
   * The optimizer and its settings as one line, e.g.
   * {@code sgd learning_rate=0.1 momentum=0.9 wd=0.0001 rescale_grad=0.0078125 clip_gradient=-1},
   * readable by {@link Optimizers#fromSpec(String)}.
   */
  String spec();
}
