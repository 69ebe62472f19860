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
 * {@code _random_uniform} (aliases {@code uniform}, {@code random_uniform}): samples from the
 * uniform distribution on {@code [low, high)}, {@code low <= high}. See {@link Sampler}.
 */
@AutoService(OpDef.class)
public final class RandomUniform extends Sampler<RandomUniform.Params> {
  static final Param<Float> LOW = Param.floatParam("low", 0f);
  static final Param<Float> HIGH = Param.floatParam("high", 1f);
  static final Param<int[]> SHAPE = Param.tupleParam("shape", new int[0]);
  static final Param<String> CTX = Param.stringParam("ctx", "");
  static final Param<SampleDType> DTYPE =
      Param.enumParam("dtype", SampleDType.class, SampleDType.NONE);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final RandomUniform OP = new RandomUniform();

  /**
   * Parameters of {@code _random_uniform}, in MXNet's order.
   *
   * @param low {@code low}
   * @param high {@code high}, at least {@code low}
   * @param shape {@code shape} of the output
   * @param ctx {@code ctx}: the device of an imperative call (ignored: everything runs on the
   *     CPU)
   * @param dtype {@code dtype}
   */
  public record Params(float low, float high, int[] shape, String ctx, SampleDType dtype) {
    /** Checks the bounds and copies the shape. */
    public Params {
      shape = shape.clone();
      DTYPE.validate(dtype);
      if (!(high >= low)) {
        throw new IllegalArgumentException("low must be less or equal to high in uniform "
            + "distribution: low=" + low + ", high=" + high);
      }
    }

    /** {@code shape} samples from {@code [low, high)}, type inferred (float32). */
    public static Params of(float low, float high, int... shape) {
      return new Params(low, high, shape, "", SampleDType.NONE);
    }

    /** A copy with {@code dtype} set. */
    public Params withDtype(SampleDType v) {
      return new Params(low, high, shape, ctx, v);
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Float.compare(low, q.low) == 0
          && Float.compare(high, q.high) == 0 && Arrays.equals(shape, q.shape)
          && ctx.equals(q.ctx) && dtype == q.dtype;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(shape) * 31 + Float.hashCode(low) + 7 * Float.hashCode(high);
    }

    @Override
    public String toString() {
      return "(low=" + low + ", high=" + high + ", shape=" + AttrSyntax.formatTuple(shape)
          + ", dtype=" + dtype.mxName() + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public RandomUniform() {
    super("_random_uniform", List.of("uniform", "random_uniform"), Params.class,
        List.of(LOW, HIGH, SHAPE, CTX, DTYPE));
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
    return p.low() + ((double) p.high() - p.low()) * r.nextFloat();
  }

  @Override
  double deterministicValue(Params p) {
    if (p.low() != p.high()) {
      throw new UnsupportedOperationException("_random_uniform on [" + p.low() + ", " + p.high()
          + ") is random: no reference (see RandomOpsTest for its statistical checks)");
    }
    return p.low();
  }

  /** Only {@code low == high}: deterministic draws; see {@link Sampler}. */
  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(1.5f, 1.5f, 2, 3)),
        Sample.of(Params.of(-0.25f, -0.25f, 4).withDtype(SampleDType.FLOAT64)),
        Sample.of(Params.of(2f, 2f, 1, 2, 2).withDtype(SampleDType.FLOAT16)));
  }
}
