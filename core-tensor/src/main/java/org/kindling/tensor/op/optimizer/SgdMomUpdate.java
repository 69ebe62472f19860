package org.kindling.tensor.op.optimizer;

import static org.kindling.tensor.op.optimizer.UpdateParams.CLIP_GRADIENT;
import static org.kindling.tensor.op.optimizer.UpdateParams.LAZY_UPDATE;
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
 * {@code sgd_mom_update} (alias {@code _sparse_sgd_mom_update}): {@code mom = momentum·mom -
 * lr·wd·weight - lr·clip(rescale_grad·grad, clip_gradient)}, then {@code weight = weight + mom},
 * as MXNet's operator. Inputs {@code weight, grad, mom}, all of one shape; {@code mom} is a
 * mutable input (the optimizer state); the weight is called as its own output (in place).
 */
@AutoService(OpDef.class)
public final class SgdMomUpdate extends ElementwiseUpdate<SgdMomUpdate.Params> {
  /** The parameters of {@code sgd_mom_update} and {@code mp_sgd_mom_update}, MXNet's order. */
  static final List<Param<?>> PARAMS =
      List.of(LR, MOMENTUM, WD, RESCALE_GRAD, CLIP_GRADIENT, LAZY_UPDATE);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final SgdMomUpdate OP = new SgdMomUpdate();

  /**
   * Parameters of {@code sgd_mom_update}, MXNet's names.
   *
   * @param lr {@code lr}
   * @param momentum {@code momentum}
   * @param wd {@code wd}
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   * @param lazyUpdate {@code lazy_update} (sparse gradients only)
   */
  public record Params(float lr, float momentum, float wd, float rescaleGrad, float clipGradient,
      boolean lazyUpdate) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public SgdMomUpdate() {
    super("sgd_mom_update", List.of("_sparse_sgd_mom_update"), Params.class,
        PARAMS, List.of("weight", "grad", "mom"), Set.of(2));
  }

  @Override
  void update(Params p, float[][] x, int len) {
    step(p, x[0], x[1], x[2], x[3], len);
  }

  /** MXNet's momentum SGD kernel in float: updates {@code m}; {@code out} may be {@code w}. */
  static void step(Params p, float[] w, float[] g, float[] m, float[] out, int len) {
    float lrWd = p.lr() * p.wd();
    boolean clip = p.clipGradient() >= 0f;
    // MXNet's branches round differently: lr·clip(rescale·g) against (lr·rescale)·g
    float lrRescale = p.lr() * p.rescaleGrad();
    for (int i = 0; i < len; i++) {
      float step = clip ? p.lr() * UpdateMath.clip(p.rescaleGrad() * g[i], p.clipGradient())
          : lrRescale * g[i];
      m[i] = p.momentum() * m[i] - lrWd * w[i] - step;
      out[i] = w[i] + m[i];
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    return stepAt(p, in[0][i], in[1][i], in[2], i);
  }

  /** The new weight in double, for the references; updates {@code mom[i]}. */
  static double stepAt(Params p, double w, double grad, double[] mom, int i) {
    double g = UpdateMath.rescaledAndClipped(grad, p.rescaleGrad(), p.clipGradient());
    double m = (double) p.momentum() * mom[i] - (double) p.lr() * p.wd() * w - p.lr() * g;
    mom[i] = m;
    return w + m;
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(0.1f, 0.9f, 0f, 1f, -1f, true), Shape.of(3, 4), Shape.of(3, 4),
            Shape.of(3, 4)),
        Sample.of(new Params(0.05f, 0.5f, 0.001f, 0.25f, 0.3f, true), Shape.of(9), Shape.of(9),
            Shape.of(9)));
  }
}
