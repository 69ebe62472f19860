package org.kindling.tensor.op.optimizer;

import java.util.Arrays;
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
import org.kindling.tensor.op.TypeSlots;

/**
 * What {@code _adamw_update} and {@code _mp_adamw_update} share: AdamW with decoupled weight
 * decay, the gradient's scale given as an array (the last input, {@code rescale_grad}, whose
 * first element is read), and MXNet's skip rule: when that scale is 0, NaN or infinite the update
 * is skipped and no state changes. With {@code g = clip(scale·grad, clip_gradient)},
 *
 * <pre>
 *   mean   = beta1·mean + (1 - beta1)·g
 *   var    = beta2·var + (1 - beta2)·g²
 *   weight = weight - eta·(lr·mean / (sqrt(var) + epsilon) + wd·weight)
 * </pre>
 *
 * <p>Two departures from MXNet, both invisible to its callers: MXNet's {@code _adamw_update}
 * also overwrites its (immutable) {@code grad} input with the scaled, clipped gradient, which
 * Kindling does not (its engine treats the gradient as read-only); and a skipped update leaves
 * MXNet's output unwritten, where Kindling copies the weight into it (the same thing when the
 * weight is its own output, as optimizers call it).
 */
abstract class AdamwBase extends OpDef<AdamwUpdate.Params> {
  private final List<String> inputs;
  private final Set<Integer> mutable;
  /** How many leading inputs share the weight's type (MXNet's {@code n_in}). */
  private final int sameTyped;

  AdamwBase(String name, List<String> inputs, Set<Integer> mutable, int sameTyped) {
    super(name, List.of(), AdamwUpdate.Params.class, AdamwUpdate.PARAMS);
    this.inputs = List.copyOf(inputs);
    this.mutable = Set.copyOf(mutable);
    this.sameTyped = sameTyped;
  }

  @Override
  public final List<String> inputNames(AdamwUpdate.Params p) {
    return inputs;
  }

  @Override
  public final Set<Integer> mutableInputs(AdamwUpdate.Params p) {
    return mutable;
  }

  /** The index of the {@code rescale_grad} input (the last). */
  final int scaleInput() {
    return inputs.size() - 1;
  }

  /** The arrays but {@code rescale_grad} and the output share one shape. */
  @Override
  public final void inferShape(AdamwUpdate.Params p, ShapeSlots s) {
    Shape scale = s.in(scaleInput());
    if (scale != null && scale.size() == 0) {
      throw new IllegalArgumentException("input 'rescale_grad' must hold a value but is " + scale);
    }
    Shape w = s.out(0);
    for (int i = 0; i < scaleInput() && w == null; i++) {
      w = s.in(i);
    }
    if (w != null) {
      for (int i = 0; i < scaleInput(); i++) {
        s.assignIn(i, w);
      }
      s.assignOut(0, w);
    }
  }

  /** MXNet's {@code MPUpdateInferType}: leading inputs and output alike, the rest float32. */
  @Override
  public final void inferType(AdamwUpdate.Params p, TypeSlots t) {
    MultiPrecision.inferTypes(t, sameTyped);
  }

  @Override
  public final List<int[]> inplaceOptions(AdamwUpdate.Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public final Gradient gradient(AdamwUpdate.Params p) {
    return Gradient.NONE;
  }

  /** True if the kernel computes these types. */
  abstract boolean computes(KernelSignature sig);

  /**
   * One chunk's update when the scale is usable.
   *
   * @param x the chunk of every input but {@code rescale_grad}, then of the output
   */
  abstract void update(AdamwUpdate.Params p, float scale, float[][] x, int len);

  /** One element's update in double: writes the states into {@code in}, returns the weight. */
  abstract double referenceAt(AdamwUpdate.Params p, double scale, double[][] in, int i);

  @Override
  public final List<KernelFactory<AdamwUpdate.Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> computes(sig) ? new Cpu(this, p) : null));
  }

  /** MXNet's test: a scale of 0, NaN or infinity skips the update. */
  static boolean skips(double scale) {
    return !Double.isFinite(scale) || scale == 0;
  }

  /** The update of AdamW in float, as MXNet's kernels: {@code out} may be {@code w}. */
  static void step(AdamwUpdate.Params p, float scale, float[] w, float[] grad, float[] mean,
      float[] var, float[] out, int len) {
    float b1 = p.beta1();
    float b2 = p.beta2();
    for (int i = 0; i < len; i++) {
      float g = UpdateMath.rescaledAndClipped(grad[i], scale, p.clipGradient());
      mean[i] = b1 * mean[i] + (1f - b1) * g;
      var[i] = b2 * var[i] + (1f - b2) * (g * g);
      out[i] = w[i] - p.eta()
          * (p.lr() * mean[i] / ((float) Math.sqrt(var[i]) + p.epsilon()) + p.wd() * w[i]);
    }
  }

  /** The same for one element in double, for the references; updates mean and var. */
  static double stepAt(AdamwUpdate.Params p, double scale, double w, double grad, double[] mean,
      double[] var, int i) {
    double g = UpdateMath.rescaledAndClipped(grad, scale, p.clipGradient());
    mean[i] = p.beta1() * mean[i] + (1.0 - p.beta1()) * g;
    var[i] = p.beta2() * var[i] + (1.0 - p.beta2()) * g * g;
    return w - p.eta() * (p.lr() * mean[i] / (Math.sqrt(var[i]) + p.epsilon()) + p.wd() * w);
  }

  @Override
  public final double[][] reference(AdamwUpdate.Params p, Shape[] inShapes, double[][] in,
      boolean train) {
    double scale = (float) in[scaleInput()][0];
    double[] y = new double[in[0].length];
    for (int i = 0; i < y.length; i++) {
      y[i] = skips(scale) ? in[0][i] : referenceAt(p, scale, in, i);
    }
    return new double[][] {y};
  }

  private record Cpu(AdamwBase op, AdamwUpdate.Params p) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      int n = op.scaleInput();
      float scale = (float) in[n].getDouble(0);
      if (skips(scale)) {
        UpdateLoop.run(new TensorView[] {in[0], out[0]}, 1, new int[] {1},
            (x, len) -> System.arraycopy(x[0], 0, x[1], 0, len));
        return;
      }
      UpdateLoop.runUpdate(Arrays.copyOf(in, n), out[0], op.mutable,
          (x, len) -> op.update(p, scale, x, len));
    }
  }
}
