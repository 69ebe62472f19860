package org.kindling.tensor.op.optimizer;

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
 * {@code ftml_update}, Follow the Moving Leader as MXNet's operator: with
 * {@code g = clip(rescale_grad·grad + wd·weight, clip_grad)},
 *
 * <pre>
 *   v      = beta2·v + (1 - beta2)·g²
 *   d'     = (1 - beta1^t) / lr · (sqrt(v / (1 - beta2^t)) + epsilon)
 *   z      = beta1·z + (1 - beta1)·g - (d' - beta1·d)·weight
 *   d      = d'
 *   weight = -z / d'
 * </pre>
 *
 * computed in float like MXNet's kernel (including {@code beta^t} and {@code epsilon}). Inputs
 * {@code weight, grad, d, v, z}, all of one shape; the last three are mutable.
 */
@AutoService(OpDef.class)
public final class FtmlUpdate extends ElementwiseUpdate<FtmlUpdate.Params> {
  static final Param<Float> BETA1 = Param.floatParam("beta1", 0.6f)
      .checked(v -> v >= 0f && v <= 1f, "in [0, 1]");
  static final Param<Float> BETA2 = Param.floatParam("beta2", 0.999f)
      .checked(v -> v >= 0f && v <= 1f, "in [0, 1]");
  /** A double in MXNet whose default is the float {@code 1e-8f}; the kernel uses it as a float. */
  static final Param<Double> EPSILON = Param.doubleParam("epsilon", 1e-8f);
  static final Param<Integer> T = Param.requiredInt("t");
  static final Param<Float> CLIP_GRAD = Param.floatParam("clip_grad", -1f);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final FtmlUpdate OP = new FtmlUpdate();

  /**
   * Parameters of {@code ftml_update}, MXNet's names.
   *
   * @param lr {@code lr}
   * @param beta1 {@code beta1} in [0, 1]
   * @param beta2 {@code beta2} in [0, 1]
   * @param epsilon {@code epsilon}
   * @param t {@code t}, the update count (from 1)
   * @param wd {@code wd}
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGrad {@code clip_grad} (MXNet's name here); negative means no clipping
   */
  public record Params(float lr, float beta1, float beta2, double epsilon, int t, float wd,
      float rescaleGrad, float clipGrad) {
    /** Checks the learning rate is set and the betas are in range. */
    public Params {
      LR.validate(lr);
      BETA1.validate(beta1);
      BETA2.validate(beta2);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public FtmlUpdate() {
    super("ftml_update", List.of(), Params.class,
        List.of(LR, BETA1, BETA2, EPSILON, T, WD, RESCALE_GRAD, CLIP_GRAD),
        List.of("weight", "grad", "d", "v", "z"), Set.of(2, 3, 4));
  }

  @Override
  void update(Params p, float[][] x, int len) {
    float[] w = x[0];
    float[] g = x[1];
    float[] d = x[2];
    float[] v = x[3];
    float[] z = x[4];
    float[] out = x[5];
    float b1 = p.beta1();
    float b2 = p.beta2();
    float eps = (float) p.epsilon();
    // mshadow's power::Map(DType, DType) is powf of the float count
    float b1t = (float) Math.pow(b1, (float) p.t());
    float b2t = (float) Math.pow(b2, (float) p.t());
    for (int i = 0; i < len; i++) {
      float gi = UpdateMath.decayedAndClipped(g[i], w[i], p.rescaleGrad(), p.wd(), p.clipGrad());
      v[i] = b2 * v[i] + (1 - b2) * (gi * gi);
      float dt = (1 - b1t) / p.lr() * ((float) Math.sqrt(v[i] / (1 - b2t)) + eps);
      z[i] = b1 * z[i] + (1 - b1) * gi - (dt - b1 * d[i]) * w[i];
      d[i] = dt;
      out[i] = -z[i] / dt;
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    double w = in[0][i];
    double g = UpdateMath.decayedAndClipped(in[1][i], w, p.rescaleGrad(), p.wd(), p.clipGrad());
    double v = p.beta2() * in[3][i] + (1.0 - p.beta2()) * g * g;
    double dt = (1 - Math.pow(p.beta1(), p.t())) / p.lr()
        * (Math.sqrt(v / (1 - Math.pow(p.beta2(), p.t()))) + p.epsilon());
    double z = p.beta1() * in[4][i] + (1.0 - p.beta1()) * g - (dt - p.beta1() * in[2][i]) * w;
    in[2][i] = dt;
    in[3][i] = v;
    in[4][i] = z;
    return -z / dt;
  }

  @Override
  public List<Sample<Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape v = Shape.of(10);
    return List.of(
        Sample.of(new Params(0.01f, 0.6f, 0.999f, 1e-8f, 1, 0f, 1f, -1f), s, s, s, s, s)
            .domain(2, Domain.FINITE).domain(3, Domain.range(0, 2)),
        Sample.of(new Params(0.1f, 0.5f, 0.9f, 1e-3, 4, 0.05f, 0.5f, 0.7f), v, v, v, v, v)
            .domain(3, Domain.range(0, 1)));
  }
}
