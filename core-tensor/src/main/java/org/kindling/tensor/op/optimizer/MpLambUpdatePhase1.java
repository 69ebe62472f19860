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
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code mp_lamb_update_phase1}: {@link LambUpdatePhase1 lamb_update_phase1} with the weight
 * decay taken from the float32 master copy {@code weight32}. Inputs {@code weight, grad}
 * (float16, as MXNet requires), {@code mean, var} (float32, mutable) and {@code weight32}
 * (float32), all of one shape; the output {@code g} is float32.
 */
@AutoService(OpDef.class)
public final class MpLambUpdatePhase1 extends ElementwiseUpdate<LambUpdatePhase1.Params> {
  /** The operator. */
  public static final MpLambUpdatePhase1 OP = new MpLambUpdatePhase1();

  /** For the service loader; use {@link #OP}. */
  public MpLambUpdatePhase1() {
    super("mp_lamb_update_phase1", List.of(), LambUpdatePhase1.Params.class,
        LambUpdatePhase1.PARAMS, List.of("weight", "grad", "mean", "var", "weight32"),
        Set.of(2, 3));
  }

  /** MXNet's {@code MPLambPhaseOneType}: float16 weight and gradient, float32 elsewhere. */
  @Override
  public void inferType(LambUpdatePhase1.Params p, TypeSlots t) {
    t.assignIn(0, DType.FLOAT16);
    t.assignIn(1, DType.FLOAT16);
    for (int i = 2; i < t.numInputs(); i++) {
      t.assignIn(i, DType.FLOAT32);
    }
    t.assignOut(0, DType.FLOAT32);
  }

  @Override
  boolean computes(KernelSignature sig) {
    return MultiPrecision.computes(sig, 2, DType.FLOAT32);
  }

  @Override
  void update(LambUpdatePhase1.Params p, float[][] x, int len) {
    LambUpdatePhase1.phaseOne(p, x[4], x[1], x[2], x[3], x[5], len);
  }

  @Override
  double referenceAt(LambUpdatePhase1.Params p, double[][] in, int i) {
    return LambUpdatePhase1.phaseOneAt(p, in[4][i], in, i);
  }

  @Override
  public List<Sample<LambUpdatePhase1.Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape v = Shape.of(10);
    return List.of(
        Sample.of(new LambUpdatePhase1.Params(0.9f, 0.999f, 1e-6f, 1, true, 0.01f, 1f, -1f),
                s, s, s, s, s)
            .type(0, DType.FLOAT16).type(1, DType.FLOAT16).domain(3, Domain.range(0, 2)),
        Sample.of(new LambUpdatePhase1.Params(0.8f, 0.99f, 1e-3f, 5, false, 0.1f, 0.5f, 0.6f),
                v, v, v, v, v)
            .type(0, DType.FLOAT16).type(1, DType.FLOAT16).domain(3, Domain.range(0, 1)));
  }
}
