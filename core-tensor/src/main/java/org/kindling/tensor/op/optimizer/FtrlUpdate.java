package org.kindling.tensor.op.optimizer;

import static org.kindling.tensor.op.optimizer.UpdateParams.CLIP_GRADIENT;
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
 * {@code ftrl_update} (alias {@code _sparse_ftrl_update}), FTRL-proximal as MXNet's operator:
 * with {@code g = clip(rescale_grad·grad, clip_gradient)},
 *
 * <pre>
 *   z     += g - (sqrt(n + g²) - sqrt(n))·weight / lr
 *   n     += g²
 *   weight = (sign(z)·lamda1 - z) / ((beta + sqrt(n)) / lr + wd) · (|z| > lamda1)
 * </pre>
 *
 * The last factor is a multiplication by 1 or 0, as MXNet's kernel, so a weight zeroed by the L1
 * threshold keeps the sign of the quotient (-0 or +0). Inputs {@code weight, grad, z, n}, all of
 * one shape; {@code z} and {@code n} are mutable.
 */
@AutoService(OpDef.class)
public final class FtrlUpdate extends ElementwiseUpdate<FtrlUpdate.Params> {
  static final Param<Float> LAMDA1 = Param.floatParam("lamda1", 0.01f);
  static final Param<Float> BETA = Param.floatParam("beta", 1f);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final FtrlUpdate OP = new FtrlUpdate();

  /**
   * Parameters of {@code ftrl_update}, MXNet's names.
   *
   * @param lr {@code lr}
   * @param lamda1 {@code lamda1}, the L1 coefficient (MXNet's spelling)
   * @param beta {@code beta}, the per-coordinate learning-rate offset
   * @param wd {@code wd}
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   */
  public record Params(float lr, float lamda1, float beta, float wd, float rescaleGrad,
      float clipGradient) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public FtrlUpdate() {
    super("ftrl_update", List.of("_sparse_ftrl_update"), Params.class,
        List.of(LR, LAMDA1, BETA, WD, RESCALE_GRAD, CLIP_GRADIENT),
        List.of("weight", "grad", "z", "n"), Set.of(2, 3));
  }

  @Override
  void update(Params p, float[][] x, int len) {
    float[] w = x[0];
    float[] g = x[1];
    float[] z = x[2];
    float[] n = x[3];
    float[] out = x[4];
    float lr = p.lr();
    for (int i = 0; i < len; i++) {
      float gi = UpdateMath.rescaledAndClipped(g[i], p.rescaleGrad(), p.clipGradient());
      float gg = gi * gi;
      z[i] += gi - ((float) Math.sqrt(n[i] + gg) - (float) Math.sqrt(n[i])) * w[i] / lr;
      n[i] += gg;
      float active = Math.abs(z[i]) > p.lamda1() ? 1f : 0f;
      out[i] = (UpdateMath.sign(z[i]) * p.lamda1() - z[i])
          / ((p.beta() + (float) Math.sqrt(n[i])) / lr + p.wd()) * active;
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    double g = UpdateMath.rescaledAndClipped(in[1][i], p.rescaleGrad(), p.clipGradient());
    double w = in[0][i];
    double n0 = in[3][i];
    double z = in[2][i] + g - (Math.sqrt(n0 + g * g) - Math.sqrt(n0)) * w / p.lr();
    double n = n0 + g * g;
    in[2][i] = z;
    in[3][i] = n;
    double active = Math.abs(z) > p.lamda1() ? 1 : 0;
    return (UpdateMath.sign(z) * p.lamda1() - z) / ((p.beta() + Math.sqrt(n)) / p.lr() + p.wd())
        * active;
  }

  @Override
  public List<Sample<Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape v = Shape.of(10);
    return List.of(
        Sample.of(new Params(0.1f, 0.01f, 1f, 0f, 1f, -1f), s, s, s, s)
            .domain(3, Domain.range(0, 2)),
        // a large L1 threshold zeroes most weights
        Sample.of(new Params(0.5f, 1.5f, 0.5f, 0.1f, 0.5f, 0.8f), v, v, v, v)
            .domain(3, Domain.range(0, 1)));
  }
}
