package org.kindling.symbol.init;

import java.util.List;
import java.util.SplittableRandom;
import org.kindling.symbol.spec.SpecValues;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Param;

/** MXNet's {@code Uniform}: weights uniform in {@code [-scale, scale)}; default scale 0.07. */
public final class Uniform extends ScalarInitializer {
  static final Param<Double> SCALE = Param.doubleParam("scale", 0.07)
      .checked(s -> s >= 0 && Double.isFinite(s), ">= 0 and finite");
  static final List<Param<?>> PARAMS = List.of(SCALE);

  /** MXNet's default scale 0.07. */
  public Uniform(long seed) {
    this(0.07, seed);
  }

  /**
   * @param scale the bound (>= 0)
   * @param seed the seed
   */
  public Uniform(double scale, long seed) {
    super("uniform", SCALE, scale, seed);
  }

  static Uniform fromSpec(SpecValues v, long seed) {
    return new Uniform(v.get(SCALE), seed);
  }

  @Override
  protected void initWeight(Shape shape, float[] out, SplittableRandom rnd) {
    double scale = value();
    if (scale == 0) {
      return; // an empty range: zeros (out starts zeroed)
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) rnd.nextDouble(-scale, scale);
    }
  }
}
