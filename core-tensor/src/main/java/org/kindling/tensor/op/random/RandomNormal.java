package org.kindling.tensor.op.random;

import com.google.auto.service.AutoService;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code _random_normal} (aliases {@code normal}, {@code random_normal}): samples from the
 * normal distribution with mean {@code loc} and standard deviation {@code scale > 0}. See
 * {@link Sampler}.
 */
@AutoService(OpDef.class)
public final class RandomNormal extends Sampler<RandomNormal.Params> {
  static final Param<Float> LOC = Param.floatParam("loc", 0f);
  static final Param<Float> SCALE = Param.floatParam("scale", 1f);
  static final Param<int[]> SHAPE = Param.tupleParam("shape", new int[0]);
  static final Param<String> CTX = Param.stringParam("ctx", "");
  static final Param<SampleDType> DTYPE =
      Param.enumParam("dtype", SampleDType.class, SampleDType.NONE);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final RandomNormal OP = new RandomNormal();

  /** Draws beyond this many standard deviations do not occur (probability below 1e-300). */
  private static final double MAX_SIGMAS = 40;

  /**
   * Parameters of {@code _random_normal}, in MXNet's order.
   *
   * @param loc {@code loc}: the mean
   * @param scale {@code scale}: the standard deviation, > 0
   * @param shape {@code shape} of the output
   * @param ctx {@code ctx}: the device of an imperative call (ignored)
   * @param dtype {@code dtype}
   */
  public record Params(float loc, float scale, int[] shape, String ctx, SampleDType dtype) {
    /** Checks the scale and copies the shape. */
    public Params {
      shape = shape.clone();
      DTYPE.validate(dtype);
      if (!(scale > 0)) {
        throw new IllegalArgumentException("scale parameter in gaussian has to be positive, got "
            + scale);
      }
    }

    /** {@code shape} samples of N(loc, scale²), type inferred (float32). */
    public static Params of(float loc, float scale, int... shape) {
      return new Params(loc, scale, shape, "", SampleDType.NONE);
    }

    /** A copy with {@code dtype} set. */
    public Params withDtype(SampleDType v) {
      return new Params(loc, scale, shape, ctx, v);
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Float.compare(loc, q.loc) == 0
          && Float.compare(scale, q.scale) == 0 && Arrays.equals(shape, q.shape)
          && ctx.equals(q.ctx) && dtype == q.dtype;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(shape) * 31 + Float.hashCode(loc) + 7 * Float.hashCode(scale);
    }

    @Override
    public String toString() {
      return "(loc=" + loc + ", scale=" + scale + ", shape=" + AttrSyntax.formatTuple(shape)
          + ", dtype=" + dtype.mxName() + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public RandomNormal() {
    super("_random_normal", List.of("normal", "random_normal"), Params.class,
        List.of(LOC, SCALE, SHAPE, CTX, DTYPE));
  }

  @Override
  int[] shape(Params p) {
    return p.shape();
  }

  @Override
  SampleDType dtype(Params p) {
    return p.dtype();
  }

  @Override
  double draw(Params p, RandomGenerator r) {
    return p.loc() + (double) p.scale() * r.nextGaussian();
  }

  /**
   * {@code loc} when no realistic draw can move the result away from it in any output type:
   * {@code scale} times {@value #MAX_SIGMAS} below a quarter of the float64 spacing at
   * {@code loc}.
   */
  @Override
  double deterministicValue(Params p) {
    if ((double) p.scale() * MAX_SIGMAS >= Math.ulp((double) p.loc()) / 4) {
      throw new UnsupportedOperationException("_random_normal with scale " + p.scale()
          + " is random: no reference (see RandomOpsTest for its statistical checks)");
    }
    return p.loc();
  }

  /** Only negligible scales: deterministic draws at float precision; see {@link Sampler}. */
  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(1.5f, 1e-30f, 2, 3)),
        Sample.of(Params.of(-3f, 1e-25f, 5).withDtype(SampleDType.FLOAT32)));
  }
}
