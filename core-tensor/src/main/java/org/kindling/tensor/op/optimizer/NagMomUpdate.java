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
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code nag_mom_update}, Nesterov accelerated gradient as MXNet's operator computes it: with
 * {@code g = clip(rescale_grad·grad, clip_gradient) + wd·weight},
 *
 * <pre>
 *   mom    = momentum·mom
 *   weight = weight - mom + (momentum + 1)·(mom - lr·g)
 *   mom    = mom - lr·g
 * </pre>
 *
 * Inputs {@code weight, grad, mom}, all of one shape; {@code mom} is mutable.
 */
@AutoService(OpDef.class)
public final class NagMomUpdate extends ElementwiseUpdate<NagMomUpdate.Params> {
  /** The parameters of {@code nag_mom_update} and {@code mp_nag_mom_update}, MXNet's order. */
  static final List<Param<?>> PARAMS = List.of(LR, MOMENTUM, WD, RESCALE_GRAD, CLIP_GRADIENT);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final NagMomUpdate OP = new NagMomUpdate();

  /**
   * Parameters of {@code nag_mom_update}, MXNet's names.
   *
   * @param lr {@code lr}
   * @param momentum {@code momentum}
   * @param wd {@code wd}
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   */
  public record Params(float lr, float momentum, float wd, float rescaleGrad,
      float clipGradient) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public NagMomUpdate() {
    super("nag_mom_update", List.of(), Params.class,
        PARAMS, List.of("weight", "grad", "mom"), Set.of(2));
  }

  @Override
  void update(Params p, float[][] x, int len) {
    step(p, x[0], x[1], x[2], x[3], len);
  }

  /** MXNet's NAG kernel in float: updates {@code m}; {@code out} may be {@code w}. */
  static void step(Params p, float[] w, float[] g, float[] m, float[] out, int len) {
    float lr = p.lr();
    float mom = p.momentum();
    for (int i = 0; i < len; i++) {
      float gi = UpdateMath.rescaledAndClipped(g[i], p.rescaleGrad(), p.clipGradient());
      float step = lr * (gi + p.wd() * w[i]);
      float mi = mom * m[i];
      out[i] = w[i] - mi + (mom + 1) * (mi - step);
      m[i] = mi - step;
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    return stepAt(p, in[0][i], in[1][i], in[2], i);
  }

  /** The new weight in double, for the references; updates {@code mom[i]}. */
  static double stepAt(Params p, double w, double grad, double[] mom, int i) {
    double g = UpdateMath.rescaledAndClipped(grad, p.rescaleGrad(), p.clipGradient());
    double step = p.lr() * (g + (double) p.wd() * w);
    double m = p.momentum() * mom[i];
    mom[i] = m - step;
    return w - m + (p.momentum() + 1.0) * (m - step);
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(0.1f, 0.9f, 0f, 1f, -1f), Shape.of(3, 4), Shape.of(3, 4),
            Shape.of(3, 4)),
        Sample.of(new Params(0.05f, 0.5f, 0.01f, 0.25f, 0.3f), Shape.of(9), Shape.of(9),
            Shape.of(9)).domain(2, Domain.FINITE),
        Sample.of(new Params(0.2f, 0f, 0.1f, 2f, -1f), Shape.of(2, 2, 2), Shape.of(2, 2, 2),
            Shape.of(2, 2, 2)));
  }
}
