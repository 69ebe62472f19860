package org.kindling.tensor.op.optimizer;

import static org.kindling.tensor.op.optimizer.UpdateParams.LR;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code lamb_update_phase2}: {@code weight = weight - lr'·g} with LAMB's trust ratio
 * {@code lr' = lr·r1/r2} (see {@link LambPhaseTwo}), as MXNet's operator. Inputs {@code weight,
 * g} (phase one's output) of one shape, {@code r1 = ‖weight‖} and {@code r2 = ‖g‖} of shape
 * {@code (1,)}.
 */
@AutoService(OpDef.class)
public final class LambUpdatePhase2 extends LambPhaseTwo {
  static final Param<Float> LOWER_BOUND = Param.floatParam("lower_bound", -1f);
  static final Param<Float> UPPER_BOUND = Param.floatParam("upper_bound", -1f);

  /** The parameters of both phase-two operators, in MXNet's order. */
  static final List<Param<?>> PARAMS = List.of(LR, LOWER_BOUND, UPPER_BOUND);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final LambUpdatePhase2 OP = new LambUpdatePhase2();

  /**
   * Parameters of {@code lamb_update_phase2} (and {@code mp_lamb_update_phase2}), MXNet's
   * names.
   *
   * @param lr {@code lr}
   * @param lowerBound {@code lower_bound} on {@code r1}; negative means none
   * @param upperBound {@code upper_bound} on {@code r1}; negative means none
   */
  public record Params(float lr, float lowerBound, float upperBound) {
    /** Checks the learning rate is set. */
    public Params {
      LR.validate(lr);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public LambUpdatePhase2() {
    super("lamb_update_phase2", List.of("weight", "g", "r1", "r2"));
  }

  @Override
  int source() {
    return 0;
  }

  @Override
  boolean computes(KernelSignature sig) {
    return sig.allFloat32();
  }

  @Override
  public List<Sample<Params>> samples() {
    Shape s = Shape.of(3, 4);
    Shape one = Shape.of(1);
    return List.of(
        Sample.of(new Params(0.01f, -1f, -1f), s, s, one, one)
            .domain(2, Domain.range(0.5, 3)).domain(3, Domain.range(0.5, 3)),
        // r1 raised to the lower bound
        Sample.of(new Params(0.1f, 4f, 10f), Shape.of(7), Shape.of(7), one, one)
            .domain(2, Domain.range(0.5, 3)).domain(3, Domain.range(0.5, 3)),
        // r1 lowered to the upper bound
        Sample.of(new Params(0.1f, 0f, 0.25f), Shape.of(7), Shape.of(7), one, one)
            .domain(2, Domain.range(0.5, 3)).domain(3, Domain.range(0.5, 3)),
        // a zero norm: the plain learning rate
        Sample.of(new Params(0.05f, -1f, -1f), Shape.of(5), Shape.of(5), one, one)
            .domain(2, Domain.range(0.5, 3)).domain(3, Domain.range(0, 0)));
  }
}
