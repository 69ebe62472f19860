package org.kindling.tensor.op.optimizer;

import static org.kindling.tensor.op.optimizer.UpdateParams.BETA1;
import static org.kindling.tensor.op.optimizer.UpdateParams.BETA2;
import static org.kindling.tensor.op.optimizer.UpdateParams.CLIP_GRADIENT;
import static org.kindling.tensor.op.optimizer.UpdateParams.RESCALE_GRAD;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code lamb_update_phase1}, the first half of LAMB as MXNet's operator: with
 * {@code r = clip(rescale_grad·grad, clip_gradient)},
 *
 * <pre>
 *   mean = beta1·mean + (1 - beta1)·r
 *   var  = beta2·var + (1 - beta2)·r²
 *   g    = mean' / (sqrt(var') + epsilon) + wd·weight
 * </pre>
 *
 * where {@code mean' = mean / (1 - beta1^t)} and {@code var' = var / (1 - beta2^t)} with
 * {@code bias_correction}, else the moments themselves. The output is {@code g} (not a new
 * weight), which {@link LambUpdatePhase2} applies. Inputs {@code weight, grad, mean, var}, all
 * of one shape; {@code mean} and {@code var} are mutable.
 */
@AutoService(OpDef.class)
public final class LambUpdatePhase1 extends ElementwiseUpdate<LambUpdatePhase1.Params> {
  static final Param<Float> EPSILON = Param.floatParam("epsilon", 1e-6f);
  static final Param<Integer> T = Param.requiredInt("t");
  static final Param<Boolean> BIAS_CORRECTION = Param.boolParam("bias_correction", true);
  static final Param<Float> WD = Param.requiredFloat("wd");

  /** The parameters of both phase-one operators, in MXNet's order. */
  static final List<Param<?>> PARAMS =
      List.of(BETA1, BETA2, EPSILON, T, BIAS_CORRECTION, WD, RESCALE_GRAD, CLIP_GRADIENT);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final LambUpdatePhase1 OP = new LambUpdatePhase1();

  /**
   * Parameters of {@code lamb_update_phase1} (and {@code mp_lamb_update_phase1}), MXNet's
   * names.
   *
   * @param beta1 {@code beta1}
   * @param beta2 {@code beta2}
   * @param epsilon {@code epsilon}
   * @param t {@code t}, the update count of this weight (from 1)
   * @param biasCorrection {@code bias_correction}
   * @param wd {@code wd}
   * @param rescaleGrad {@code rescale_grad}
   * @param clipGradient {@code clip_gradient}; negative means no clipping
   */
  public record Params(float beta1, float beta2, float epsilon, int t, boolean biasCorrection,
      float wd, float rescaleGrad, float clipGradient) {}

  /** For the service loader; use {@link #OP}. */
  public LambUpdatePhase1() {
    super("lamb_update_phase1", List.of(), Params.class, PARAMS,
        List.of("weight", "grad", "mean", "var"), Set.of(2, 3));
  }

  @Override
  void update(Params p, float[][] x, int len) {
    phaseOne(p, x[0], x[1], x[2], x[3], x[4], len);
  }

  /**
   * The arithmetic of both phase-one kernels, in float as MXNet's: {@code w} is the weight in
   * float (the float32 master copy for the multi-precision operator).
   */
  static void phaseOne(Params p, float[] w, float[] grad, float[] mean, float[] var, float[] out,
      int len) {
    // std::pow(float, int) is computed in double and stored as float
    float beta1T = (float) Math.pow(p.beta1(), p.t());
    float beta2T = (float) Math.pow(p.beta2(), p.t());
    for (int i = 0; i < len; i++) {
      float r = UpdateMath.rescaledAndClipped(grad[i], p.rescaleGrad(), p.clipGradient());
      mean[i] = p.beta1() * mean[i] + (1f - p.beta1()) * r;
      var[i] = p.beta2() * var[i] + (1f - p.beta2()) * r * r;
      if (p.biasCorrection()) {
        // MXNet divides the mean by the double 1. - beta1_t, the variance in float
        float meanHat = (float) (mean[i] / (1.0 - beta1T));
        float varHat = var[i] / (1 - beta2T);
        out[i] = meanHat / ((float) Math.sqrt(varHat) + p.epsilon()) + p.wd() * w[i];
      } else {
        out[i] = mean[i] / ((float) Math.sqrt(var[i]) + p.epsilon()) + p.wd() * w[i];
      }
    }
  }

  @Override
  double referenceAt(Params p, double[][] in, int i) {
    return phaseOneAt(p, in[0][i], in, i);
  }

  /** The double reference of both phase-one operators: {@code w} is the (master) weight. */
  static double phaseOneAt(Params p, double w, double[][] in, int i) {
    double r = UpdateMath.rescaledAndClipped(in[1][i], p.rescaleGrad(), p.clipGradient());
    double mean = p.beta1() * in[2][i] + (1.0 - p.beta1()) * r;
    double var = p.beta2() * in[3][i] + (1.0 - p.beta2()) * r * r;
    in[2][i] = mean;
    in[3][i] = var;
    if (p.biasCorrection()) {
      mean /= 1 - Math.pow(p.beta1(), p.t());
      var /= 1 - Math.pow(p.beta2(), p.t());
    }
    return mean / (Math.sqrt(var) + p.epsilon()) + p.wd() * w;
  }

  @Override
  public List<Sample<Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape v = Shape.of(10);
    return List.of(
        Sample.of(new Params(0.9f, 0.999f, 1e-6f, 1, true, 0.01f, 1f, -1f), s, s, s, s)
            .domain(3, Domain.range(0, 2)),
        Sample.of(new Params(0.8f, 0.99f, 1e-3f, 7, true, 0f, 0.5f, 0.6f), v, v, v, v)
            .domain(3, Domain.range(0, 1)),
        Sample.of(new Params(0.9f, 0.9f, 1e-2f, 3, false, 0.1f, 2f, -1f), v, v, v, v)
            .domain(3, Domain.range(0, 1)));
  }
}
