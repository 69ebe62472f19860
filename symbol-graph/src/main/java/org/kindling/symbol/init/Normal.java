package org.kindling.symbol.init;

import java.util.List;
import java.util.SplittableRandom;
import org.kindling.symbol.spec.SpecValues;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Param;

/** MXNet's {@code Normal}: weights normal with mean 0 and standard deviation {@code sigma}. */
public final class Normal extends ScalarInitializer {
  static final Param<Double> SIGMA = Param.doubleParam("sigma", 0.01)
      .checked(s -> s >= 0 && Double.isFinite(s), ">= 0 and finite");
  static final List<Param<?>> PARAMS = List.of(SIGMA);

  /** MXNet's default sigma 0.01. */
  public Normal(long seed) {
    this(0.01, seed);
  }

  /**
   * @param sigma the standard deviation (>= 0)
   * @param seed the seed
   */
  public Normal(double sigma, long seed) {
    super("normal", SIGMA, sigma, seed);
  }

  static Normal fromSpec(SpecValues v, long seed) {
    return new Normal(v.get(SIGMA), seed);
  }

  @Override
  protected void initWeight(Shape shape, float[] out, SplittableRandom rnd) {
    double sigma = value();
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (rnd.nextGaussian() * sigma);
    }
  }
}
