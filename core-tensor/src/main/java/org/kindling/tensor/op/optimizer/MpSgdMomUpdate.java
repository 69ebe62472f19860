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
 * {@code mp_sgd_mom_update}: {@link SgdMomUpdate sgd_mom_update} applied to the float32 master
 * copy {@code weight32}, whose result is also stored, as float16, in the output. Inputs
 * {@code weight, grad} (float16), {@code mom, weight32} (float32, mutable), all of one shape.
 */
@AutoService(OpDef.class)
public final class MpSgdMomUpdate extends ElementwiseUpdate<SgdMomUpdate.Params> {
  /** The operator. */
  public static final MpSgdMomUpdate OP = new MpSgdMomUpdate();

  /** For the service loader; use {@link #OP}. */
  public MpSgdMomUpdate() {
    super("mp_sgd_mom_update", List.of(), SgdMomUpdate.Params.class, SgdMomUpdate.PARAMS,
        List.of("weight", "grad", "mom", "weight32"), Set.of(2, 3));
  }

  @Override
  public void inferType(SgdMomUpdate.Params p, TypeSlots t) {
    MultiPrecision.inferTypes(t, 2);
  }

  @Override
  boolean computes(KernelSignature sig) {
    return MultiPrecision.computes(sig, 2, DType.FLOAT16);
  }

  @Override
  void update(SgdMomUpdate.Params p, float[][] x, int len) {
    SgdMomUpdate.step(p, x[3], x[1], x[2], x[3], len);
    System.arraycopy(x[3], 0, x[4], 0, len);
  }

  @Override
  double referenceAt(SgdMomUpdate.Params p, double[][] in, int i) {
    double w = SgdMomUpdate.stepAt(p, in[3][i], in[1][i], in[2], i);
    in[3][i] = w;
    return MultiPrecision.asHalf(w);
  }

  @Override
  public List<Sample<SgdMomUpdate.Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape v = Shape.of(9);
    return List.of(
        Sample.of(new SgdMomUpdate.Params(0.1f, 0.9f, 0f, 1f, -1f, true), s, s, s, s)
            .type(0, DType.FLOAT16).type(1, DType.FLOAT16),
        Sample.of(new SgdMomUpdate.Params(0.05f, 0.5f, 0.001f, 0.25f, 0.3f, true), v, v, v, v)
            .type(0, DType.FLOAT16).type(1, DType.FLOAT16));
  }
}
