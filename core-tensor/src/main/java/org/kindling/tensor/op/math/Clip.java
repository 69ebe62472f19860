package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.DataGradientKernel;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TensorView;

/**
 * {@code clip} (aliases _sparse_clip, _npi_clip): limits each element of {@code data} to
 * {@code [a_min, a_max]}; output of the input's shape and type. As MXNet's kernel: {@code x >
 * a_max} gives {@code a_max}, else {@code x < a_min} gives {@code a_min}, else {@code x} (so NaN
 * passes through, and with {@code a_min > a_max} every element becomes one of the bounds). The
 * gradient passes where {@code a_min <= x <= a_max}, bounds included (and at NaN), and is zero
 * elsewhere. MXNet declares no in-place option for clip.
 */
@AutoService(OpDef.class)
public final class Clip extends OpDef<Clip.Params> {
  static final Param<Float> A_MIN = Param.requiredFloat("a_min");
  static final Param<Float> A_MAX = Param.requiredFloat("a_max");

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Clip OP = new Clip();

  /**
   * Parameters of {@code clip} (MXNet's {@code ClipParam}, both required).
   *
   * @param aMin {@code a_min}, the lower bound
   * @param aMax {@code a_max}, the upper bound
   */
  public record Params(float aMin, float aMax) {}

  /** For the service loader; use {@link #OP}. */
  public Clip() {
    super("clip", List.of("_sparse_clip", "_npi_clip"), Params.class, List.of(A_MIN, A_MAX));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data");
  }


  @Override
  public BackwardDeps backwardDeps(Params p) {
    return BackwardDeps.inputs(0);
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32() ? new Cpu(p.aMin(), p.aMax())
        : null));
  }

  private record Cpu(float lo, float hi) implements DataGradientKernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      Chunks.map(in[0].floats(), out[0].floats(), in[0].size(), (v, m) -> {
        for (int j = 0; j < m; j++) {
          float d = v[j];
          v[j] = d > hi ? hi : d < lo ? lo : d;
        }
      });
    }

    /** {@code dy} where the input was inside the bounds, else 0. */
    @Override
    public void dataGradient(OpContext ctx, BackwardArgs a, FloatBuffer dy, FloatBuffer dx) {
      Chunks.gradient(dy, a.in()[0].floats(), dx, a.inGrad()[0].size(), a.adds(0),
          (g, x) -> x > hi || x < lo ? 0f : g);
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    double[] y = new double[in[0].length];
    for (int i = 0; i < y.length; i++) {
      double x = in[0][i];
      y[i] = Double.isNaN(x) ? x : Math.max(p.aMin(), Math.min(p.aMax(), x));
      if (p.aMin() > p.aMax() && !Double.isNaN(x)) {
        y[i] = x > p.aMax() ? p.aMax() : p.aMin(); // the upper bound is tested first
      }
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(-1f, 1.5f), Shape.of(3, 4)),
        Sample.of(new Params(0f, 1f), Shape.of(2, 3, 4)),
        Sample.of(new Params(2f, 1f), Shape.of(3, 4)),
        Sample.of(new Params(-0.5f, 0.5f), Shape.of(5000)).domain(0, Domain.ANY)
            .noGradientCheck());
  }
}
