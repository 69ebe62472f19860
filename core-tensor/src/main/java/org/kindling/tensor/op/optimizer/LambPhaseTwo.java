package org.kindling.tensor.op.optimizer;

import java.util.List;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * The second half of LAMB, shared by {@code lamb_update_phase2} and {@code
 * mp_lamb_update_phase2}: {@code weight = w - lr'·g} with the trust ratio {@code lr' = lr·r1/r2}
 * ({@code lr} itself when either norm is 0), where {@code r1 = ‖weight‖} is first raised to
 * {@code lower_bound} and lowered to {@code upper_bound} (each when not negative). {@code w} is
 * the weight, or the float32 master copy of the multi-precision operator. {@code r1} and
 * {@code r2} are arrays whose first dimension is 1 (MXNet reads their first element); the other
 * inputs have the weight's shape.
 */
abstract class LambPhaseTwo extends OpDef<LambUpdatePhase2.Params> {
  private final List<String> inputs;

  LambPhaseTwo(String name, List<String> inputs) {
    super(name, List.of(), LambUpdatePhase2.Params.class, LambUpdatePhase2.PARAMS);
    this.inputs = List.copyOf(inputs);
  }

  @Override
  public final List<String> inputNames(LambUpdatePhase2.Params p) {
    return inputs;
  }

  /** The index of the input holding the weight the update starts from. */
  abstract int source();

  /** A reference weight as the output's type stores it (float16 for the mp operator). */
  double round(double w) {
    return w;
  }

  /** True if the kernel computes these types. */
  abstract boolean computes(KernelSignature sig);

  /** The weight-shaped inputs (all but r1 and r2) and the output share one shape. */
  @Override
  public final void inferShape(LambUpdatePhase2.Params p, ShapeSlots s) {
    for (int i = 2; i <= 3; i++) {
      Shape r = s.in(i);
      if (r != null && (r.ndim() == 0 || r.get(0) != 1)) {
        throw new IllegalArgumentException("input '" + inputs.get(i) + "' must have a first "
            + "dimension of 1 (a norm, e.g. (1,)) but is " + r);
      }
    }
    Shape w = s.out(0);
    for (int i = 0; i < s.numInputs() && w == null; i++) {
      w = i == 2 || i == 3 ? null : s.in(i);
    }
    if (w != null) {
      for (int i = 0; i < s.numInputs(); i++) {
        if (i != 2 && i != 3) {
          s.assignIn(i, w);
        }
      }
      s.assignOut(0, w);
    }
  }

  @Override
  public final List<int[]> inplaceOptions(LambUpdatePhase2.Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public final Gradient gradient(LambUpdatePhase2.Params p) {
    return Gradient.NONE;
  }

  @Override
  public final List<KernelFactory<LambUpdatePhase2.Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> computes(sig) ? new Cpu(p, source()) : null));
  }

  /** MXNet's trust-ratio learning rate, in float. */
  static float trustLr(LambUpdatePhase2.Params p, float r1, float r2) {
    // mshadow's maximum/minimum: a NaN norm gives way to the bound
    float r = r1;
    if (p.lowerBound() >= 0) {
      r = r > p.lowerBound() ? r : p.lowerBound();
    }
    if (p.upperBound() >= 0) {
      r = r < p.upperBound() ? r : p.upperBound();
    }
    return r == 0f || r2 == 0f ? p.lr() : p.lr() * r / r2;
  }

  /** The same in double, for the reference. */
  static double trustLrRef(LambUpdatePhase2.Params p, double r1, double r2) {
    double r = r1;
    if (p.lowerBound() >= 0) {
      r = r > p.lowerBound() ? r : p.lowerBound();
    }
    if (p.upperBound() >= 0) {
      r = r < p.upperBound() ? r : p.upperBound();
    }
    return r == 0 || r2 == 0 ? p.lr() : p.lr() * r / r2;
  }

  @Override
  public final double[][] reference(LambUpdatePhase2.Params p, Shape[] inShapes, double[][] in,
      boolean train) {
    double lr = trustLrRef(p, in[2][0], in[3][0]);
    double[] w = in[source()];
    double[] y = new double[w.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = round(w[i] - lr * in[1][i]);
    }
    return new double[][] {y};
  }

  private record Cpu(LambUpdatePhase2.Params p, int source) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      float lr = trustLr(p, (float) in[2].getDouble(0), (float) in[3].getDouble(0));
      TensorView[] views = {in[source], in[1], out[0]};
      UpdateLoop.run(views, 2, new int[] {2}, (x, len) -> {
        float[] w = x[0];
        float[] g = x[1];
        float[] y = x[2];
        for (int i = 0; i < len; i++) {
          y[i] = w[i] - lr * g[i];
        }
      });
    }
  }
}
