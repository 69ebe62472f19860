package org.kindling.tensor.op.optimizer;

import static org.kindling.tensor.op.optimizer.UpdateParams.BETA1;
import static org.kindling.tensor.op.optimizer.UpdateParams.BETA2;
import static org.kindling.tensor.op.optimizer.UpdateParams.CLIP_GRADIENT;
import static org.kindling.tensor.op.optimizer.UpdateParams.EPSILON;
import static org.kindling.tensor.op.optimizer.UpdateParams.LR;
import static org.kindling.tensor.op.optimizer.UpdateParams.WD;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code _adamw_update}, AdamW as MXNet's operator (see {@link AdamwBase} for the update and
 * the skip rule): inputs {@code weight, grad, mean, var} (float32, one shape; {@code mean} and
 * {@code var} mutable) and {@code rescale_grad} (a float32 array, usually {@code (1,)}).
 * Python's {@code mx.nd.contrib.adamw_update} calls it.
 */
@AutoService(OpDef.class)
public final class AdamwUpdate extends AdamwBase {
  static final Param<Float> ETA = Param.requiredFloat("eta");

  /** The parameters of both AdamW operators, in MXNet's order. */
  static final List<Param<?>> PARAMS = List.of(LR, BETA1, BETA2, EPSILON, WD, ETA, CLIP_GRADIENT);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final AdamwUpdate OP = new AdamwUpdate();

  /**
   * Parameters of {@code _adamw_update} and {@code _mp_adamw_update}, MXNet's names.
   *
   * @param lr {@code lr}, the step of the Adam term
   * @param beta1 {@code beta1}
   * @param beta2 {@code beta2}
   * @param epsilon {@code epsilon}
   * @param wd {@code wd}, the decoupled weight decay
   * @param eta {@code eta}, the learning-rate schedule multiplier of the whole step
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   */
  public record Params(float lr, float beta1, float beta2, float epsilon, float wd, float eta,
      float clipGradient) {
    /** Checks the required values are set. */
    public Params {
      LR.validate(lr);
      ETA.validate(eta);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public AdamwUpdate() {
    super("_adamw_update", List.of("weight", "grad", "mean", "var", "rescale_grad"),
        Set.of(2, 3), 4);
  }

  @Override
  boolean computes(KernelSignature sig) {
    return sig.allFloat32();
  }

  @Override
  void update(Params p, float scale, float[][] x, int len) {
    step(p, scale, x[0], x[1], x[2], x[3], x[4], len);
  }

  @Override
  double referenceAt(Params p, double scale, double[][] in, int i) {
    return stepAt(p, scale, in[0][i], in[1][i], in[2], in[3], i);
  }

  @Override
  public List<Sample<Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape v = Shape.of(10);
    Shape one = Shape.of(1);
    return List.of(
        Sample.of(new Params(1f, 0.9f, 0.999f, 1e-6f, 0.01f, 0.001f, -1f), s, s, s, s, one)
            .domain(3, Domain.range(0, 2)).domain(4, Domain.range(0.5, 2)),
        Sample.of(new Params(0.5f, 0.8f, 0.99f, 1e-3f, 0f, 0.1f, 0.7f), v, v, v, v, one)
            .domain(3, Domain.range(0, 1)).domain(4, Domain.range(0.5, 2)));
  }
}
