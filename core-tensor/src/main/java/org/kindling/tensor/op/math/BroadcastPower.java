package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code broadcast_power}: {@code lhs ^ rhs} (C's pow). With NumPy broadcasting (see
 * {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastPower extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastPower OP = new BroadcastPower();

  /** For the service loader; use {@link #OP}. */
  public BroadcastPower() {
    super("broadcast_power", List.of(), BinaryFn.POWER);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return BroadcastBinary.samples(Domain.POSITIVE, Domain.ANY);
  }
}
