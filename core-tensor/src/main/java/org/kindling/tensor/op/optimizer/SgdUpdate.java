package org.kindling.tensor.op.optimizer;

import static org.kindling.tensor.op.optimizer.UpdateParams.CLIP_GRADIENT;
import static org.kindling.tensor.op.optimizer.UpdateParams.LAZY_UPDATE;
import static org.kindling.tensor.op.optimizer.UpdateParams.LR;
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
 * {@code sgd_update} (alias {@code _sparse_sgd_update}): {@code weight = (1 - lr·wd)·weight -
 * lr·clip(rescale_grad·grad, clip_gradient)}, as MXNet's operator; called with the weight as
 * its own output (in place). Inputs {@code weight, grad}, all of one shape.
 */
@AutoService(OpDef.class)
public final class SgdUpdate extends ElementwiseUpdate<SgdUpdate.Params> {
  /** The parameters of {@code sgd_update} and {@code mp_sgd_update}, in MXNet's order. */
  static final List<Param<?>> PARAMS = List.of(LR, WD, RESCALE_GRAD, CLIP_GRADIENT, LAZY_UPDATE);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final SgdUpdate OP = new SgdUpdate();

  /**
   * Parameters of {@code sgd_update}, MXNet's names.
   *
   * @param lr {@code lr}, the learning rate
   * @param wd {@code wd}, the weight decay
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   * @param lazyUpdate {@code lazy_update} (sparse gradients only; no effect on dense arrays)
   */
  public record Params(float lr, float wd, float rescaleGrad, float clipGradient,
      boolean lazyUpdate) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public SgdUpdate() {
    super("sgd_update", List.of("_sparse_sgd_update"), Params.class,
        PARAMS, List.of("weight", "grad"), Set.of());
  }

  @Override
  void update(Params p, float[][] x, int len) {
    step(p, x[0], x[1], x[2], len);
  }

  /** MXNet's SGD kernel in float: {@code out} may be {@code w}. */
  static void step(Params p, float[] w, float[] g, float[] out, int len) {
    float decay = 1f - p.lr() * p.wd();
    if (p.clipGradient() >= 0f) {
      for (int i = 0; i < len; i++) {
        out[i] = decay * w[i] - p.lr() * UpdateMath.clip(p.rescaleGrad() * g[i], p.clipGradient());
      }
    } else {
      // MXNet's branches round differently: lr·clip(rescale·g) against (lr·rescale)·g
      float lrRescale = p.lr() * p.rescaleGrad();
      for (int i = 0; i < len; i++) {
        out[i] = decay * w[i] - lrRescale * g[i];
      }
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    return stepAt(p, in[0][i], in[1][i]);
  }

  /** The new weight in double, for the references. */
  static double stepAt(Params p, double w, double grad) {
    double g = UpdateMath.rescaledAndClipped(grad, p.rescaleGrad(), p.clipGradient());
    return (1 - (double) p.lr() * p.wd()) * w - p.lr() * g;
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(0.1f, 0f, 1f, -1f, true), Shape.of(3, 4), Shape.of(3, 4)),
        Sample.of(new Params(0.05f, 0.01f, 0.5f, 0.4f, true), Shape.of(7), Shape.of(7)));
  }
}
