package org.kindling.tensor.op.optimizer;

import static org.kindling.tensor.op.optimizer.UpdateParams.BETA1;
import static org.kindling.tensor.op.optimizer.UpdateParams.BETA2;
import static org.kindling.tensor.op.optimizer.UpdateParams.CLIP_GRADIENT;
import static org.kindling.tensor.op.optimizer.UpdateParams.EPSILON;
import static org.kindling.tensor.op.optimizer.UpdateParams.LAZY_UPDATE;
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
 * {@code adam_update} (alias {@code _sparse_adam_update}), as MXNet's operator: with
 * {@code g = clip(rescale_grad·grad + wd·weight, clip_gradient)},
 *
 * <pre>
 *   mean   = beta1·mean + (1 - beta1)·g
 *   var    = beta2·var + (1 - beta2)·g²
 *   weight = weight - lr·mean / (sqrt(var) + epsilon)
 * </pre>
 *
 * No bias correction: MXNet's Adam optimizer folds it into {@code lr}. Inputs {@code weight,
 * grad, mean, var}, all of one shape; {@code mean} and {@code var} are mutable.
 */
@AutoService(OpDef.class)
public final class AdamUpdate extends ElementwiseUpdate<AdamUpdate.Params> {
  /** The operator (declared after its parameters, which its constructor reads). */
  public static final AdamUpdate OP = new AdamUpdate();

  /**
   * Parameters of {@code adam_update}, MXNet's names.
   *
   * @param lr {@code lr}
   * @param beta1 {@code beta1}, decay of the first moment
   * @param beta2 {@code beta2}, decay of the second moment
   * @param epsilon {@code epsilon}
   * @param wd {@code wd}
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   * @param lazyUpdate {@code lazy_update} (sparse gradients only)
   */
  public record Params(float lr, float beta1, float beta2, float epsilon, float wd,
      float rescaleGrad, float clipGradient, boolean lazyUpdate) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public AdamUpdate() {
    super("adam_update", List.of("_sparse_adam_update"), Params.class,
        List.of(LR, BETA1, BETA2, EPSILON, WD, RESCALE_GRAD, CLIP_GRADIENT, LAZY_UPDATE),
        List.of("weight", "grad", "mean", "var"), Set.of(2, 3));
  }

  @Override
  void update(Params p, float[][] x, int len) {
    float[] w = x[0];
    float[] g = x[1];
    float[] mean = x[2];
    float[] var = x[3];
    float[] out = x[4];
    float b1 = p.beta1();
    float b2 = p.beta2();
    for (int i = 0; i < len; i++) {
      float gi = UpdateMath.decayedAndClipped(g[i], w[i], p.rescaleGrad(), p.wd(),
          p.clipGradient());
      mean[i] = b1 * mean[i] + (1f - b1) * gi;
      var[i] = b2 * var[i] + (1f - b2) * gi * gi;
      out[i] = w[i] - p.lr() * mean[i] / ((float) Math.sqrt(var[i]) + p.epsilon());
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    double w = in[0][i];
    double g = UpdateMath.decayedAndClipped(in[1][i], w, p.rescaleGrad(), p.wd(), p.clipGradient());
    double mean = p.beta1() * in[2][i] + (1.0 - p.beta1()) * g;
    double var = p.beta2() * in[3][i] + (1.0 - p.beta2()) * g * g;
    in[2][i] = mean;
    in[3][i] = var;
    return w - p.lr() * mean / (Math.sqrt(var) + p.epsilon());
  }

  @Override
  public List<Sample<Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape v = Shape.of(10);
    return List.of(
        Sample.of(new Params(0.01f, 0.9f, 0.999f, 1e-8f, 0f, 1f, -1f, true), s, s, s, s)
            .domain(3, Domain.range(0, 2)),
        Sample.of(new Params(0.1f, 0.5f, 0.9f, 0.01f, 0.05f, 0.5f, 0.8f, true), v, v, v, v)
            .domain(3, Domain.range(0, 1)),
        // a zero second moment: the first step of a fresh state
        Sample.of(new Params(0.002f, 0.8f, 0.99f, 1e-3f, 0f, 2f, -1f, true), v, v, v, v)
            .domain(2, Domain.range(0, 0)).domain(3, Domain.range(0, 0)));
  }
}
