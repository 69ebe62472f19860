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
 * {@code mp_lamb_update_phase2}: {@code weight = float16(weight32 - lr'·g)} with LAMB's trust
 * ratio (see {@link LambPhaseTwo}). Inputs {@code weight} (float16), {@code g, r1, r2,
 * weight32} (float32).
 *
 * <p>MXNet declares {@code weight32} mutable but its kernel never writes it, so the master copy
 * keeps its old value (and so does Kindling's): a caller that wants it updated must do so itself.
 */
@AutoService(OpDef.class)
public final class MpLambUpdatePhase2 extends LambPhaseTwo {
  /** The operator. */
  public static final MpLambUpdatePhase2 OP = new MpLambUpdatePhase2();

  /** For the service loader; use {@link #OP}. */
  public MpLambUpdatePhase2() {
    super("mp_lamb_update_phase2", List.of("weight", "g", "r1", "r2", "weight32"));
  }

  @Override
  public Set<Integer> mutableInputs(LambUpdatePhase2.Params p) {
    return Set.of(4);
  }

  @Override
  public void inferType(LambUpdatePhase2.Params p, TypeSlots t) {
    MultiPrecision.inferTypes(t, 1);
  }

  @Override
  int source() {
    return 4;
  }

  @Override
  boolean computes(KernelSignature sig) {
    return MultiPrecision.computes(sig, 1, DType.FLOAT16);
  }

  @Override
  double round(double w) {
    return MultiPrecision.asHalf(w);
  }

  @Override
  public List<Sample<LambUpdatePhase2.Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape one = Shape.of(1);
    return List.of(
        Sample.of(new LambUpdatePhase2.Params(0.01f, -1f, -1f), s, s, one, one, s)
            .type(0, DType.FLOAT16)
            .domain(2, Domain.range(0.5, 3)).domain(3, Domain.range(0.5, 3)),
        Sample.of(new LambUpdatePhase2.Params(0.1f, 4f, 10f), Shape.of(7), Shape.of(7), one,
                one, Shape.of(7))
            .type(0, DType.FLOAT16)
            .domain(2, Domain.range(0.5, 3)).domain(3, Domain.range(0.5, 3)));
  }
}
