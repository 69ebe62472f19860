package org.kindling.tensor.op.optimizer;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code mp_nag_mom_update}: {@link NagMomUpdate nag_mom_update} on the float32 master copy
 * {@code weight32}, whose result is also stored, as float16, in the output. Inputs {@code weight,
 * grad} (float16), {@code mom, weight32} (float32, mutable), all of one shape.
 *
 * <p>MXNet's multi-precision kernel differs from the float32 one in one place, kept here: the
 * momentum's weight-decay term reads the weight after its update ({@code mom = mom' - lr·(g +
 * wd·weight_new)}), where {@code nag_mom_update} reads the weight before it. Without weight
 * decay the two agree.
 */
@AutoService(OpDef.class)
public final class MpNagMomUpdate extends ElementwiseUpdate<NagMomUpdate.Params> {
  /** The operator. */
  public static final MpNagMomUpdate OP = new MpNagMomUpdate();

  /** For the service loader; use {@link #OP}. */
  public MpNagMomUpdate() {
    super("mp_nag_mom_update", List.of(), NagMomUpdate.Params.class, NagMomUpdate.PARAMS,
        List.of("weight", "grad", "mom", "weight32"), Set.of(2, 3));
  }

  @Override
  public void inferType(NagMomUpdate.Params p, TypeSlots t) {
    MultiPrecision.inferTypes(t, 2);
  }

  @Override
  boolean computes(KernelSignature sig) {
    return MultiPrecision.computes(sig, 2, DType.FLOAT16);
  }

  @Override
  void update(NagMomUpdate.Params p, float[][] x, int len) {
    float[] g = x[1];
    float[] m = x[2];
    float[] w = x[3];
    float[] out = x[4];
    float lr = p.lr();
    float mom = p.momentum();
    for (int i = 0; i < len; i++) {
      float gi = UpdateMath.rescaledAndClipped(g[i], p.rescaleGrad(), p.clipGradient());
      float mi = mom * m[i];
      w[i] = w[i] - mi + (mom + 1) * (mi - lr * (gi + p.wd() * w[i]));
      m[i] = mi - lr * (gi + p.wd() * w[i]);
      out[i] = w[i];
    }
  }

  @Override
  double referenceAt(NagMomUpdate.Params p, double[][] in, int i) {
    double g = UpdateMath.rescaledAndClipped(in[1][i], p.rescaleGrad(), p.clipGradient());
    double m = p.momentum() * in[2][i];
    double w = in[3][i];
    w = w - m + (p.momentum() + 1.0) * (m - p.lr() * (g + (double) p.wd() * w));
    in[2][i] = m - p.lr() * (g + (double) p.wd() * w);
    in[3][i] = w;
    return MultiPrecision.asHalf(w);
  }

  @Override
  public List<Sample<NagMomUpdate.Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape v = Shape.of(9);
    return List.of(
        Sample.of(new NagMomUpdate.Params(0.1f, 0.9f, 0f, 1f, -1f), s, s, s, s)
            .type(0, DType.FLOAT16).type(1, DType.FLOAT16),
        Sample.of(new NagMomUpdate.Params(0.05f, 0.5f, 0.1f, 0.25f, 0.3f), v, v, v, v)
            .type(0, DType.FLOAT16).type(1, DType.FLOAT16));
  }
}
