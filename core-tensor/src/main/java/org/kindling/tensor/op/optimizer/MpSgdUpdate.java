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
 * {@code mp_sgd_update}: {@link SgdUpdate sgd_update} applied to the float32 master copy
 * {@code weight32} (mutable), whose result is also stored, as float16, in the output. Inputs
 * {@code weight, grad} (float16) and {@code weight32} (float32), all of one shape.
 */
@AutoService(OpDef.class)
public final class MpSgdUpdate extends ElementwiseUpdate<SgdUpdate.Params> {
  /** The operator. */
  public static final MpSgdUpdate OP = new MpSgdUpdate();

  /** For the service loader; use {@link #OP}. */
  public MpSgdUpdate() {
    super("mp_sgd_update", List.of(), SgdUpdate.Params.class, SgdUpdate.PARAMS,
        List.of("weight", "grad", "weight32"), Set.of(2));
  }

  @Override
  public void inferType(SgdUpdate.Params p, TypeSlots t) {
    MultiPrecision.inferTypes(t, 2);
  }

  @Override
  boolean computes(KernelSignature sig) {
    return MultiPrecision.computes(sig, 2, DType.FLOAT16);
  }

  @Override
  void update(SgdUpdate.Params p, float[][] x, int len) {
    SgdUpdate.step(p, x[2], x[1], x[2], len);
    System.arraycopy(x[2], 0, x[3], 0, len);
  }

  @Override
  double referenceAt(SgdUpdate.Params p, double[][] in, int i) {
    double w = SgdUpdate.stepAt(p, in[2][i], in[1][i]);
    in[2][i] = w;
    return MultiPrecision.asHalf(w);
  }

  @Override
  public List<Sample<SgdUpdate.Params>> samples() {
    Shape s = Shape.of(3, 4);
    return List.of(
        Sample.of(new SgdUpdate.Params(0.1f, 0f, 1f, -1f, true), s, s, s)
            .type(0, DType.FLOAT16).type(1, DType.FLOAT16),
        Sample.of(new SgdUpdate.Params(0.05f, 0.01f, 0.5f, 0.4f, true), Shape.of(9), Shape.of(9),
            Shape.of(9)).type(0, DType.FLOAT16).type(1, DType.FLOAT16));
  }
}
