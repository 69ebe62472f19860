package org.kindling.symbol.init;

import java.util.List;
import java.util.SplittableRandom;
import org.kindling.symbol.spec.SpecValues;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Param;

/**
 * MXNet's {@code LSTMBias}: zeros except the forget gate, the second quarter along axis 0
 * ({@code [n/4, 2n/4)} with {@code n/4} rounded down), which is {@code forget_bias} (default 1).
 * Used through an {@code __init__} attribute or {@link Mixed}, since the name rules send biases
 * to zero.
 */
public final class LSTMBias extends ScalarInitializer {
  static final Param<Double> FORGET_BIAS = Param.doubleParam("forget_bias", 1.0);
  static final List<Param<?>> PARAMS = List.of(FORGET_BIAS);

  /** MXNet's default forget bias 1. */
  public LSTMBias() {
    this(1.0);
  }

  /** @param forgetBias the forget gate's bias */
  public LSTMBias(double forgetBias) {
    super("lstmbias", FORGET_BIAS, forgetBias, 0L);
  }

  static LSTMBias fromSpec(SpecValues v, long seed) {
    return new LSTMBias(v.get(FORGET_BIAS));
  }

  @Override
  protected void initWeight(Shape shape, float[] out, SplittableRandom rnd) {
    if (shape.ndim() == 0) {
      throw new IllegalArgumentException("LSTMBias needs at least one dimension, got a scalar");
    }
    int hidden = shape.get(0) / 4;
    int row = (int) shape.sizeFrom(1);
    for (int i = hidden * row; i < 2 * hidden * row; i++) {
      out[i] = (float) value();
    }
  }
}
