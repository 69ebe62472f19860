package org.kindling.symbol.init;

import java.util.Locale;
import java.util.SplittableRandom;
import org.kindling.tensor.Shape;

/**
 * MXNet's {@code Xavier} initializer for weights: with {@code fan_in = shape[1]·hw} and
 * {@code fan_out = shape[0]·hw} ({@code hw} the product of dimensions past the second),
 * {@code scale = sqrt(magnitude / factor)} where the factor is the average of the fans
 * ({@code avg}), {@code fan_in} ({@code in}) or {@code fan_out} ({@code out}); values are
 * uniform in {@code [-scale, scale]} or normal with standard deviation {@code scale}. MXNet's
 * defaults: uniform, avg, magnitude 3. Biases are zeroed by the name rule of {@link
 * Initializer}.
 */
public final class Xavier extends Initializer {
  /** {@code rnd_type}. */
  public enum RandomType {
    UNIFORM,
    GAUSSIAN
  }

  /** {@code factor_type}. */
  public enum FactorType {
    AVG,
    IN,
    OUT
  }

  private final RandomType rndType;
  private final FactorType factorType;
  private final float magnitude;

  /** MXNet's defaults: uniform, avg, magnitude 3. */
  public Xavier(long seed) {
    this(RandomType.UNIFORM, FactorType.AVG, 3f, seed);
  }

  /**
   * @param rndType uniform or gaussian
   * @param factorType avg, in or out
   * @param magnitude scale numerator (> 0)
   * @param seed the seed
   */
  public Xavier(RandomType rndType, FactorType factorType, float magnitude, long seed) {
    super(seed);
    if (!(magnitude > 0f) || !Float.isFinite(magnitude)) {
      throw new IllegalArgumentException("Xavier magnitude must be > 0, got " + magnitude);
    }
    this.rndType = rndType;
    this.factorType = factorType;
    this.magnitude = magnitude;
  }

  /** Parses MXNet's string names, e.g. {@code ("gaussian", "in", 2)}. */
  public static Xavier of(String rndType, String factorType, float magnitude, long seed) {
    RandomType r;
    FactorType f;
    try {
      r = RandomType.valueOf(rndType.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Xavier rnd_type '" + rndType + "' (use uniform or gaussian)", e);
    }
    try {
      f = FactorType.valueOf(factorType.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Xavier factor_type '" + factorType + "' (use avg, in or out)", e);
    }
    return new Xavier(r, f, magnitude, seed);
  }

  /** The scale for a weight shape: uniform bound or gaussian standard deviation. */
  public double scale(Shape shape) {
    if (shape.ndim() < 2) {
      throw new IllegalArgumentException(
          "Xavier initializer cannot be applied to vector of shape " + shape
              + "; it requires at least 2D");
    }
    double hw = shape.sizeFrom(2);
    double fanIn = shape.get(1) * hw;
    double fanOut = shape.get(0) * hw;
    double factor = switch (factorType) {
      case AVG -> (fanIn + fanOut) / 2.0;
      case IN -> fanIn;
      case OUT -> fanOut;
    };
    return Math.sqrt(magnitude / factor);
  }

  @Override
  protected void initWeight(String name, Shape shape, float[] out, SplittableRandom rnd) {
    double scale;
    try {
      scale = scale(shape);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter '" + name + "': " + e.getMessage(), e);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = rndType == RandomType.UNIFORM
          ? (float) (rnd.nextDouble(-scale, scale))
          : (float) (rnd.nextGaussian() * scale);
    }
  }

  @Override
  public String toString() {
    return "Xavier(rnd_type=" + rndType.name().toLowerCase(Locale.ROOT) + ", factor_type="
        + factorType.name().toLowerCase(Locale.ROOT) + ", magnitude=" + magnitude + ")";
  }
}
