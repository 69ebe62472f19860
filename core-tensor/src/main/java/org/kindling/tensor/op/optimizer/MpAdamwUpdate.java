package org.kindling.tensor.op.optimizer;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.Set;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code _mp_adamw_update}: {@link AdamwUpdate _adamw_update} on the float32 master copy
 * {@code weight32} (mutable), whose result is also stored, as float16, in the output. Inputs
 * {@code weight, grad} (float16), {@code mean, var, weight32} (float32; mutable) of one shape,
 * and {@code rescale_grad} (float32).
 */
@AutoService(OpDef.class)
public final class MpAdamwUpdate extends AdamwBase {
  /** The operator. */
  public static final MpAdamwUpdate OP = new MpAdamwUpdate();

  /** For the service loader; use {@link #OP}. */
  public MpAdamwUpdate() {
    super("_mp_adamw_update",
        List.of("weight", "grad", "mean", "var", "weight32", "rescale_grad"), Set.of(2, 3, 4), 2);
  }

  @Override
  boolean computes(KernelSignature sig) {
    return MultiPrecision.computes(sig, 2, DType.FLOAT16);
  }

  @Override
  void update(AdamwUpdate.Params p, float scale, float[][] x, int len) {
    step(p, scale, x[4], x[1], x[2], x[3], x[4], len);
    System.arraycopy(x[4], 0, x[5], 0, len);
  }

  @Override
  double referenceAt(AdamwUpdate.Params p, double scale, double[][] in, int i) {
    double w = stepAt(p, scale, in[4][i], in[1][i], in[2], in[3], i);
    in[4][i] = w;
    return MultiPrecision.asHalf(w);
  }

  @Override
  public List<Sample<AdamwUpdate.Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape one = Shape.of(1);
    return List.of(
        Sample.of(new AdamwUpdate.Params(1f, 0.9f, 0.999f, 1e-6f, 0.01f, 0.001f, -1f),
                s, s, s, s, s, one)
            .type(0, DType.FLOAT16).type(1, DType.FLOAT16)
            .domain(3, Domain.range(0, 2)).domain(5, Domain.range(0.5, 2)),
        Sample.of(new AdamwUpdate.Params(0.5f, 0.8f, 0.99f, 1e-3f, 0.1f, 0.1f, 0.7f),
                s, s, s, s, s, one)
            .type(0, DType.FLOAT16).type(1, DType.FLOAT16)
            .domain(3, Domain.range(0, 1)).domain(5, Domain.range(0.5, 2)));
  }
}
