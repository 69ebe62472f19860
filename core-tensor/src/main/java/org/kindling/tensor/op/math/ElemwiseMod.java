package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code _mod} (alias _Mod): {@code lhs mod rhs} with the divisor's sign (Python's {@code %},
 * computed in double), 0 where {@code rhs == 0}; gradients {@code dy},
 * {@code -dy floor(lhs / rhs)}. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseMod extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseMod OP = new ElemwiseMod();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseMod() {
    super("_mod", List.of("_Mod"), BinaryFn.MOD);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return List.of(
        Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)).domain(1, Domain.range(0.5, 3)),
        Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)).domain(1, Domain.range(-3, -0.5)),
        Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)).noGradientCheck());
  }
}
