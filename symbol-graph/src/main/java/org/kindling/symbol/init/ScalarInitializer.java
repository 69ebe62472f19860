package org.kindling.symbol.init;

import org.kindling.symbol.spec.Spec;
import org.kindling.tensor.op.Param;

/**
 * A weight initializer with one number, MXNet's single keyword argument ({@code sigma},
 * {@code scale}, {@code value}, {@code forget_bias}): it checks the number against its parameter
 * and writes the spec {@code <kind>(<param>=<value>)}.
 */
abstract class ScalarInitializer extends WeightInitializer {
  private final String kind;
  private final Param<Double> param;
  private final double value;

  /**
   * @param kind the spec's name ({@code normal}, ...)
   * @param param the number's declaration (name, checks)
   * @param value the number
   * @param seed the seed
   * @throws IllegalArgumentException if {@code param} refuses the value
   */
  ScalarInitializer(String kind, Param<Double> param, double value, long seed) {
    super(seed);
    param.validate(value);
    this.kind = kind;
    this.param = param;
    this.value = value;
  }

  /** The number. */
  final double value() {
    return value;
  }

  @Override
  public final Spec spec() {
    return Spec.of(kind, param.name(), value);
  }
}
