package org.kindling.tensor.op.random;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.random.RandomGenerator;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * MXNet's {@code MXNET_OPERATOR_REGISTER_SAMPLE}: no inputs, one output of {@code shape} and
 * {@code dtype}, each element drawn independently from the call's generator
 * ({@link OpContext#random()}, seeded in program order).
 *
 * <p>Shape: as MXNet's {@code InitShape} in legacy (non-numpy) shape mode, an empty
 * {@code shape} or one with a 0 is unknown, and the output shape must then come from elsewhere
 * (a consumer or an {@code out=} array). Type: as {@code SampleOpType}, the known output type
 * (which must match a given {@code dtype}), else {@code dtype}, else float32; only float16,
 * float32 and float64 are allowed.
 *
 * <p>Reference: random outputs have no float64 reference. {@link #reference} returns values
 * only for distributions that are deterministic at float32 precision (uniform with
 * {@code low == high}, normal with a negligible {@code scale}); the samples use only those, so
 * the generic suites check shapes, types, the parameter round trip and the imperative path but
 * not the distribution, which {@code RandomOpsTest} checks statistically.
 *
 * @param <P> the parameter record
 */
abstract class Sampler<P extends Record> extends OpDef<P> {
  Sampler(String name, List<String> aliases, Class<P> type, List<Param<?>> params) {
    super(name, aliases, type, params);
  }

  /** The {@code shape} parameter. */
  abstract int[] shape(P p);

  /** The {@code dtype} parameter. */
  abstract SampleDType dtype(P p);

  /** One draw, in double precision. */
  abstract double draw(P p, RandomGenerator r);

  /**
   * The value every draw takes when the distribution is deterministic at float32 precision.
   *
   * @throws UnsupportedOperationException otherwise: random values have no reference
   */
  abstract double deterministicValue(P p);

  @Override
  public final List<String> inputNames(P p) {
    return List.of();
  }

  @Override
  public final void inferShape(P p, ShapeSlots s) {
    int[] shape = shape(p);
    boolean known = shape.length > 0;
    for (int d : shape) {
      known &= d > 0;
    }
    if (known) {
      s.assignOut(0, Shape.of(shape));
    }
  }

  @Override
  public final void inferType(P p, TypeSlots t) {
    DType given = dtype(p).dtype();
    DType out = t.out(0);
    if (out != null && given != null && out != given) {
      throw new IllegalArgumentException("output type does not match requested type: "
          + out.numpyName() + " vs " + given.numpyName());
    }
    DType d = out != null ? out : given != null ? given : DType.FLOAT32;
    if (d != DType.FLOAT16 && d != DType.FLOAT32 && d != DType.FLOAT64) {
      throw new IllegalArgumentException("output type must be float16, float32 or float64, "
          + "not " + d.numpyName());
    }
    t.assignOut(0, d);
  }

  @Override
  public final Gradient gradient(P p) {
    return Gradient.NONE;
  }

  @Override
  public final BackwardDeps backwardDeps(P p) {
    return BackwardDeps.none();
  }

  @Override
  public final List<KernelFactory<P>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> new Cpu<>(this, p)));
  }

  private record Cpu<P extends Record>(Sampler<P> op, P p) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      RandomGenerator r = ctx.random();
      TensorView y = out[0];
      int n = y.size();
      if (y.dtype() == DType.FLOAT32) {
        FloatBuffer f = y.floats();
        float[] chunk = new float[Math.min(n, 1024)];
        for (int start = 0; start < n; start += chunk.length) {
          int len = Math.min(chunk.length, n - start);
          for (int j = 0; j < len; j++) {
            chunk[j] = (float) op.draw(p, r);
          }
          f.put(start, chunk, 0, len);
        }
        return;
      }
      for (int i = 0; i < n; i++) {
        y.setDouble(i, op.draw(p, r));
      }
    }
  }

  @Override
  public final double[][] reference(P p, Shape[] inShapes, double[][] in, boolean train) {
    double v = deterministicValue(p);
    double[] y = new double[(int) Shape.of(shape(p)).size()];
    java.util.Arrays.fill(y, v);
    return new double[][] {y};
  }
}
