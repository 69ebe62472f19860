package org.kindling.tensor.op.optimizer;

import static org.kindling.tensor.op.optimizer.UpdateParams.CLIP_GRADIENT;
import static org.kindling.tensor.op.optimizer.UpdateParams.CLIP_WEIGHTS;
import static org.kindling.tensor.op.optimizer.UpdateParams.EPSILON;
import static org.kindling.tensor.op.optimizer.UpdateParams.GAMMA1;
import static org.kindling.tensor.op.optimizer.UpdateParams.LR;
import static org.kindling.tensor.op.optimizer.UpdateParams.RESCALE_GRAD;
import static org.kindling.tensor.op.optimizer.UpdateParams.WD;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code rmsprop_update}, Tieleman and Hinton's RMSProp as MXNet's operator: with
 * {@code g = clip(rescale_grad·grad + wd·weight, clip_gradient)},
 *
 * <pre>
 *   n      = (1 - gamma1)·g² + gamma1·n
 *   weight = clip(weight - lr·g / sqrt(n + epsilon), clip_weights)
 * </pre>
 *
 * (a negative {@code clip_weights} means no clipping). Inputs {@code weight, grad, n}, all of one
 * shape; {@code n} is mutable.
 */
@AutoService(OpDef.class)
public final class RmspropUpdate extends ElementwiseUpdate<RmspropUpdate.Params> {
  /** The operator (declared after its parameters, which its constructor reads). */
  public static final RmspropUpdate OP = new RmspropUpdate();

  /**
   * Parameters of {@code rmsprop_update}, MXNet's names.
   *
   * @param lr {@code lr}
   * @param gamma1 {@code gamma1}, the decay of the squared-gradient average
   * @param epsilon {@code epsilon}
   * @param wd {@code wd}
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   * @param clipWeights {@code clip_weights}; negative means no clipping
   */
  public record Params(float lr, float gamma1, float epsilon, float wd, float rescaleGrad,
      float clipGradient, float clipWeights) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public RmspropUpdate() {
    super("rmsprop_update", List.of(), Params.class,
        List.of(LR, GAMMA1, EPSILON, WD, RESCALE_GRAD, CLIP_GRADIENT, CLIP_WEIGHTS),
        List.of("weight", "grad", "n"), Set.of(2));
  }

  @Override
  void update(Params p, float[][] x, int len) {
    float[] w = x[0];
    float[] g = x[1];
    float[] n = x[2];
    float[] out = x[3];
    float gamma1 = p.gamma1();
    for (int i = 0; i < len; i++) {
      float gi = UpdateMath.decayedAndClipped(g[i], w[i], p.rescaleGrad(), p.wd(),
          p.clipGradient());
      n[i] = (1f - gamma1) * (gi * gi) + gamma1 * n[i];
      float wi = w[i] - p.lr() * (gi / (float) Math.sqrt(n[i] + p.epsilon()));
      out[i] = UpdateMath.clipIf(wi, p.clipWeights());
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    double w = in[0][i];
    double g = UpdateMath.decayedAndClipped(in[1][i], w, p.rescaleGrad(), p.wd(),
        p.clipGradient());
    double n = (1.0 - p.gamma1()) * g * g + p.gamma1() * in[2][i];
    in[2][i] = n;
    double y = w - p.lr() * g / Math.sqrt(n + p.epsilon());
    return UpdateMath.clipIf(y, p.clipWeights());
  }

  @Override
  public List<Sample<Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape v = Shape.of(10);
    return List.of(
        Sample.of(new Params(0.01f, 0.95f, 1e-8f, 0f, 1f, -1f, -1f), s, s, s)
            .domain(2, Domain.range(0, 2)),
        Sample.of(new Params(0.1f, 0.9f, 1e-3f, 0.05f, 0.5f, 0.7f, 1.5f), v, v, v)
            .domain(2, Domain.range(0, 1)));
  }
}
