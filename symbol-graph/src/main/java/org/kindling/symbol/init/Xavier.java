package org.kindling.symbol.init;

import java.util.List;
import java.util.SplittableRandom;
import org.kindling.symbol.spec.Spec;
import org.kindling.symbol.spec.SpecValues;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.MxEnum;
import org.kindling.tensor.op.Param;

/**
 * MXNet's {@code Xavier} initializer for weights: with {@code hw} the product of the dimensions
 * past the second (1 for a matrix), {@code fan_in = shape[1]·hw} and {@code fan_out =
 * shape[0]·hw}; {@code scale = sqrt(magnitude / factor)} where the factor is the average of the
 * fans ({@code avg}), {@code fan_in} ({@code in}) or {@code fan_out} ({@code out}); values are
 * uniform in {@code [-scale, scale)} or normal with standard deviation {@code scale}. MXNet's
 * defaults: uniform, avg, magnitude 3. Weights need at least 2 dimensions. Biases and the other
 * parameters follow the name rules of {@link WeightInitializer}.
 */
public final class Xavier extends WeightInitializer {
  /** {@code rnd_type}. */
  public enum RandomType implements MxEnum {
    UNIFORM,
    GAUSSIAN
  }

  /** {@code factor_type}. */
  public enum FactorType implements MxEnum {
    AVG,
    IN,
    OUT
  }

  static final Param<RandomType> RND_TYPE =
      Param.enumParam("rnd_type", RandomType.class, RandomType.UNIFORM);
  static final Param<FactorType> FACTOR_TYPE =
      Param.enumParam("factor_type", FactorType.class, FactorType.AVG);
  static final Param<Double> MAGNITUDE = Param.doubleParam("magnitude", 3.0)
      .checked(m -> m > 0 && Double.isFinite(m), "> 0 and finite");
  static final List<Param<?>> PARAMS = List.of(RND_TYPE, FACTOR_TYPE, MAGNITUDE);

  private final RandomType rndType;
  private final FactorType factorType;
  private final double magnitude;

  /** MXNet's defaults: uniform, avg, magnitude 3. */
  public Xavier(long seed) {
    this(RandomType.UNIFORM, FactorType.AVG, 3.0, seed);
  }

  /**
   * @param rndType uniform or gaussian
   * @param factorType avg, in or out
   * @param magnitude scale numerator (> 0)
   * @param seed the seed
   */
  public Xavier(RandomType rndType, FactorType factorType, double magnitude, long seed) {
    super(seed);
    MAGNITUDE.validate(magnitude);
    this.rndType = rndType;
    this.factorType = factorType;
    this.magnitude = magnitude;
  }

  /** Parses MXNet's string names, e.g. {@code ("gaussian", "in", 2)}. */
  public static Xavier of(String rndType, String factorType, double magnitude, long seed) {
    return fromSpec(Spec.of("xavier", RND_TYPE.name(), rndType, FACTOR_TYPE.name(), factorType,
        MAGNITUDE.name(), magnitude).read(PARAMS), seed);
  }

  static Xavier fromSpec(SpecValues v, long seed) {
    return new Xavier(v.get(RND_TYPE), v.get(FACTOR_TYPE), v.get(MAGNITUDE), seed);
  }

  /**
   * The scale for a weight shape: uniform bound or gaussian standard deviation.
   *
   * @throws IllegalArgumentException for fewer than 2 dimensions or a zero fan
   */
  public double scale(Shape shape) {
    if (shape.ndim() < 2) {
      throw new IllegalArgumentException("Xavier initializer cannot be applied to vector of "
          + "shape " + shape + "; it requires at least 2D");
    }
    double hw = shape.sizeFrom(2);
    double fanIn = shape.get(1) * hw;
    double fanOut = shape.get(0) * hw;
    double factor = switch (factorType) {
      case AVG -> (fanIn + fanOut) / 2.0;
      case IN -> fanIn;
      case OUT -> fanOut;
    };
    if (factor == 0) {
      throw new IllegalArgumentException("Xavier initializer: shape " + shape + " has a zero "
          + factorType.mxName() + " fan");
    }
    return Math.sqrt(magnitude / factor);
  }

  @Override
  protected void initWeight(Shape shape, float[] out, SplittableRandom rnd) {
    double scale = scale(shape);
    for (int i = 0; i < out.length; i++) {
      out[i] = rndType == RandomType.UNIFORM
          ? (float) rnd.nextDouble(-scale, scale)
          : (float) (rnd.nextGaussian() * scale);
    }
  }

  @Override
  public Spec spec() {
    return Spec.of("xavier", RND_TYPE.name(), rndType.mxName(), FACTOR_TYPE.name(),
        factorType.mxName(), MAGNITUDE.name(), magnitude);
  }
}
