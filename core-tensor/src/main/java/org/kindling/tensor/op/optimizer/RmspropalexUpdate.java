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
 * {@code rmspropalex_update}, Graves's centered RMSProp as MXNet's operator: with
 * {@code r = clip(rescale_grad·grad + wd·weight, clip_gradient)},
 *
 * <pre>
 *   n      = (1 - gamma1)·r² + gamma1·n
 *   g      = (1 - gamma1)·r + gamma1·g
 *   delta  = gamma2·delta - lr·r / sqrt(n - g² + epsilon)
 *   weight = clip(weight + delta, clip_weights)
 * </pre>
 *
 * (negative clips mean none). Inputs {@code weight, grad, n, g, delta}, all of one shape; the
 * last three are mutable.
 */
@AutoService(OpDef.class)
public final class RmspropalexUpdate extends ElementwiseUpdate<RmspropalexUpdate.Params> {
  static final Param<Float> GAMMA2 = Param.floatParam("gamma2", 0.9f);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final RmspropalexUpdate OP = new RmspropalexUpdate();

  /**
   * Parameters of {@code rmspropalex_update}, MXNet's names.
   *
   * @param lr {@code lr}
   * @param gamma1 {@code gamma1}, the decay of the gradient averages
   * @param gamma2 {@code gamma2}, the momentum of {@code delta}
   * @param epsilon {@code epsilon}
   * @param wd {@code wd}
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   * @param clipWeights {@code clip_weights}; negative means no clipping
   */
  public record Params(float lr, float gamma1, float gamma2, float epsilon, float wd,
      float rescaleGrad, float clipGradient, float clipWeights) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public RmspropalexUpdate() {
    super("rmspropalex_update", List.of(), Params.class,
        List.of(LR, GAMMA1, GAMMA2, EPSILON, WD, RESCALE_GRAD, CLIP_GRADIENT, CLIP_WEIGHTS),
        List.of("weight", "grad", "n", "g", "delta"), Set.of(2, 3, 4));
  }

  @Override
  void update(Params p, float[][] x, int len) {
    float[] w = x[0];
    float[] grad = x[1];
    float[] n = x[2];
    float[] g = x[3];
    float[] delta = x[4];
    float[] out = x[5];
    float gamma1 = p.gamma1();
    for (int i = 0; i < len; i++) {
      float r = UpdateMath.decayedAndClipped(grad[i], w[i], p.rescaleGrad(), p.wd(),
          p.clipGradient());
      n[i] = (1f - gamma1) * r * r + gamma1 * n[i];
      g[i] = (1f - gamma1) * r + gamma1 * g[i];
      delta[i] = p.gamma2() * delta[i]
          - p.lr() * r / (float) Math.sqrt(n[i] - g[i] * g[i] + p.epsilon());
      float wi = w[i] + delta[i];
      out[i] = UpdateMath.clipIf(wi, p.clipWeights());
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    double w = in[0][i];
    double r = UpdateMath.decayedAndClipped(in[1][i], w, p.rescaleGrad(), p.wd(),
        p.clipGradient());
    double n = (1.0 - p.gamma1()) * r * r + p.gamma1() * in[2][i];
    double g = (1.0 - p.gamma1()) * r + p.gamma1() * in[3][i];
    double delta = p.gamma2() * in[4][i] - p.lr() * r / Math.sqrt(n - g * g + p.epsilon());
    in[2][i] = n;
    in[3][i] = g;
    in[4][i] = delta;
    double y = w + delta;
    return UpdateMath.clipIf(y, p.clipWeights());
  }

  @Override
  public List<Sample<Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape v = Shape.of(10);
    // n >= g² as the optimizer's averages keep it, so the square root is of a positive number
    return List.of(
        Sample.of(new Params(0.01f, 0.95f, 0.9f, 1e-8f, 0f, 1f, -1f, -1f), s, s, s, s, s)
            .domain(2, Domain.range(1, 2)).domain(3, Domain.range(-0.5, 0.5))
            .domain(4, Domain.FINITE),
        Sample.of(new Params(0.1f, 0.8f, 0.5f, 1e-3f, 0.05f, 0.5f, 0.7f, 1.5f), v, v, v, v, v)
            .domain(2, Domain.range(1, 2)).domain(3, Domain.range(-0.5, 0.5)));
  }
}
