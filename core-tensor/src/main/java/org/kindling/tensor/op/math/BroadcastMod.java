package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code broadcast_mod}: {@code lhs mod rhs} with the divisor's sign (Python's {@code %}), 0 where
 * {@code rhs == 0}; gradients {@code dy} and {@code -dy floor(lhs / rhs)}. With NumPy broadcasting
 * (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastMod extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastMod OP = new BroadcastMod();

  /** For the service loader; use {@link #OP}. */
  public BroadcastMod() {
    super("broadcast_mod", List.of(), BinaryFn.MOD);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return BroadcastBinary.samples(Domain.ANY, Domain.range(-3, -0.5));
  }
}
