package org.kindling.tensor.op.optimizer;

import static org.kindling.tensor.op.optimizer.UpdateParams.CLIP_GRADIENT;
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
 * {@code signsgd_update}: {@code weight = (1 - lr·wd)·weight - lr·sign(grad)}, as MXNet's
 * operator, whose kernel takes the sign of the raw gradient: {@code rescale_grad} and
 * {@code clip_gradient} are accepted and have no effect (MXNet: "clip_gradient has no effect for
 * SignSGD"). The sign of 0, -0 and NaN is 0. Inputs {@code weight, grad} of one shape.
 */
@AutoService(OpDef.class)
public final class SignsgdUpdate extends ElementwiseUpdate<SignsgdUpdate.Params> {
  /** The operator (declared after its parameters, which its constructor reads). */
  public static final SignsgdUpdate OP = new SignsgdUpdate();

  /**
   * Parameters of {@code signsgd_update}, MXNet's names.
   *
   * @param lr {@code lr}
   * @param wd {@code wd}
   * @param rescaleGrad {@code rescale_grad} (no effect, as in MXNet)
   * @param clipGradient {@code clip_gradient} (no effect, as in MXNet)
   */
  public record Params(float lr, float wd, float rescaleGrad, float clipGradient) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public SignsgdUpdate() {
    super("signsgd_update", List.of(), Params.class,
        List.of(LR, WD, RESCALE_GRAD, CLIP_GRADIENT), List.of("weight", "grad"), Set.of());
  }

  @Override
  void update(Params p, float[][] x, int len) {
    float[] w = x[0];
    float[] g = x[1];
    float[] out = x[2];
    float decay = 1f - p.lr() * p.wd();
    for (int i = 0; i < len; i++) {
      out[i] = decay * w[i] - p.lr() * UpdateMath.sign(g[i]);
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    return (1 - (double) p.lr() * p.wd()) * in[0][i] - p.lr() * UpdateMath.sign(in[1][i]);
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(0.1f, 0f, 1f, -1f), Shape.of(3, 4), Shape.of(3, 4)),
        Sample.of(new Params(0.05f, 0.2f, 0.5f, 0.1f), Shape.of(9), Shape.of(9)));
  }
}
