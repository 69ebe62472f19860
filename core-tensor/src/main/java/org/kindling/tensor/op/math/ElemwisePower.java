package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code _power} (alias _Power): {@code lhs ^ rhs} (C's pow); gradients {@code dy rhs lhs^(rhs-1)},
 * {@code dy lhs^rhs ln(lhs)}. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwisePower extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwisePower OP = new ElemwisePower();

  /** For the service loader; use {@link #OP}. */
  public ElemwisePower() {
    super("_power", List.of("_Power"), BinaryFn.POWER);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return List.of(
        Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)).domain(0, Domain.POSITIVE),
        Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)).noGradientCheck());
  }
}
