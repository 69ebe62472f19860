package org.kindling.symbol.optimizer;

import org.kindling.tensor.NDArray;

/**
 * Updates a weight from its gradient, keeping any per-key state (e.g. momentum) inside the
 * optimizer. Implementations are parameterised by MXNet's names ({@code learning_rate},
 * {@code momentum}, {@code wd}, {@code rescale_grad}, {@code clip_gradient}, ...) and can be
 * written to and rebuilt from a text {@link #spec()}, which is how a distributed store ships the
 * optimizer to its server (no Java deserialization of untrusted bytes). Kindling's optimizers
 * ({@link BaseOptimizer}: SGD, NAG, Adam, AdamW, RMSProp, AdaGrad, AdaDelta, Signum, LAMB) follow
 * MXNet 1.9.1's {@code mx.optimizer} classes.
 */
public interface Optimizer extends AutoCloseable {

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

  /**
   * The optimizer's state as the bytes of a Kindling {@code .states} file (docs/formats.md
   * §3.8): per parameter its state arrays (momentum, moments, ...) and update count, and the
   * optimizer's {@code num_update}, after pending updates finish. Loading them into an
   * optimizer of the same kind ({@link #loadStates}) continues training exactly where it was.
   *
   * @throws UnsupportedOperationException if this optimizer cannot save its state
   */
  default byte[] saveStates() {
    throw new UnsupportedOperationException(getClass().getSimpleName()
        + " cannot save optimizer states");
  }

  /**
   * Replaces the optimizer's state with one {@link #saveStates} wrote.
   *
   * @throws IllegalArgumentException if the bytes are not a state file of this kind of optimizer
   * @throws UnsupportedOperationException if this optimizer cannot load states
   */
  default void loadStates(byte[] states) {
    throw new UnsupportedOperationException(getClass().getSimpleName()
        + " cannot load optimizer states");
  }

  /**
   * Releases the optimizer's state arrays once the updates already pushed have run. Whoever
   * made the optimizer closes it, after its last update.
   */
  @Override
  default void close() {}
}
