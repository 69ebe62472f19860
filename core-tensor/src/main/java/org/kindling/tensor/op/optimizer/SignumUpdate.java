package org.kindling.tensor.op.optimizer;

import static org.kindling.tensor.op.optimizer.UpdateParams.CLIP_GRADIENT;
import static org.kindling.tensor.op.optimizer.UpdateParams.LR;
import static org.kindling.tensor.op.optimizer.UpdateParams.MOMENTUM;
import static org.kindling.tensor.op.optimizer.UpdateParams.RESCALE_GRAD;
import static org.kindling.tensor.op.optimizer.UpdateParams.WD;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code signum_update}, SIGN momentUM as MXNet's operator:
 *
 * <pre>
 *   mom    = momentum·mom - (1 - momentum)·(wd·weight + clip(rescale_grad·grad, clip_gradient))
 *   weight = (1 - lr·wd_lh)·weight + lr·sign(mom)
 * </pre>
 *
 * ({@code mom} holds the negated average; the sign of 0, -0 and NaN is 0). Inputs {@code weight,
 * grad, mom}, all of one shape; {@code mom} is mutable.
 */
@AutoService(OpDef.class)
public final class SignumUpdate extends ElementwiseUpdate<SignumUpdate.Params> {
  static final Param<Float> WD_LH = Param.floatParam("wd_lh", 0f);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final SignumUpdate OP = new SignumUpdate();

  /**
   * Parameters of {@code signum_update}, MXNet's names.
   *
   * @param lr {@code lr}
   * @param momentum {@code momentum}
   * @param wd {@code wd}, decay inside the momentum
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   * @param wdLh {@code wd_lh}, decoupled weight decay (Loshchilov and Hutter)
   */
  public record Params(float lr, float momentum, float wd, float rescaleGrad, float clipGradient,
      float wdLh) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public SignumUpdate() {
    super("signum_update", List.of(), Params.class,
        List.of(LR, MOMENTUM, WD, RESCALE_GRAD, CLIP_GRADIENT, WD_LH),
        List.of("weight", "grad", "mom"), Set.of(2));
  }

  @Override
  void update(Params p, float[][] x, int len) {
    float[] w = x[0];
    float[] g = x[1];
    float[] m = x[2];
    float[] out = x[3];
    float keep = 1 - p.momentum();
    float decay = 1f - p.lr() * p.wdLh();
    boolean clip = p.clipGradient() >= 0f;
    // MXNet's two branches round differently: keep·clip(rescale·g) against (keep·rescale)·g
    float keepRescale = keep * p.rescaleGrad();
    for (int i = 0; i < len; i++) {
      float step = clip ? keep * UpdateMath.clip(p.rescaleGrad() * g[i], p.clipGradient())
          : keepRescale * g[i];
      m[i] = p.momentum() * m[i] - keep * p.wd() * w[i] - step;
      out[i] = decay * w[i] + p.lr() * UpdateMath.sign(m[i]);
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    double keep = 1.0 - p.momentum();
    double g = UpdateMath.rescaledAndClipped(in[1][i], p.rescaleGrad(), p.clipGradient());
    double w = in[0][i];
    double m = p.momentum() * in[2][i] - keep * p.wd() * w - keep * g;
    in[2][i] = m;
    return (1 - (double) p.lr() * p.wdLh()) * w + p.lr() * UpdateMath.sign(m);
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(0.1f, 0.9f, 0f, 1f, -1f, 0f), Shape.of(3, 4), Shape.of(3, 4),
            Shape.of(3, 4)),
        Sample.of(new Params(0.05f, 0.5f, 0.01f, 0.25f, 0.3f, 0.1f), Shape.of(9), Shape.of(9),
            Shape.of(9)));
  }
}
