package org.kindling.symbol.init;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.kindling.symbol.spec.SpecValues;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Param;

/**
 * MXNet's {@code Constant} with a scalar value: weights are set to {@code value} (MXNet also
 * takes an array; Kindling takes scalars only). Biases and the rest follow the name rules.
 */
public final class Constant extends ScalarInitializer {
  static final Param<Double> VALUE = Param.requiredDouble("value");
  static final List<Param<?>> PARAMS = List.of(VALUE);

  /** @param value the weights' value */
  public Constant(double value) {
    super("constant", VALUE, value, 0L);
  }

  static Constant fromSpec(SpecValues v, long seed) {
    return new Constant(v.get(VALUE));
  }

  @Override
  protected void initWeight(Shape shape, float[] out, SplittableRandom rnd) {
    Arrays.fill(out, (float) value());
  }
}
