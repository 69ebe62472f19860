package org.kindling.symbol.init;

import org.kindling.tensor.NDArray;

/**
 * Fills a named parameter, as MXNet's initializer callables ({@code init(desc, arr)}) do. The
 * rules MXNet's {@code Initializer} applies by name live in {@link WeightInitializer}; {@link
 * Load} and {@link Mixed} route parameters to other initializers.
 *
 * <p>Writes go through the engine; arrays are float32.
 */
public abstract class Initializer {
  /** For subclasses. */
  protected Initializer() {}

  /**
   * Initializes {@code array} by the parameter's name alone (no variable attributes).
   *
   * @throws IllegalArgumentException if no rule applies to the parameter
   */
  public final void init(String name, NDArray array) {
    init(InitDesc.of(name), array);
  }

  /**
   * Initializes {@code array} for the parameter {@code desc} describes.
   *
   * @throws IllegalArgumentException naming the parameter if no rule applies to it or its shape
   */
  public abstract void init(InitDesc desc, NDArray array);
}
