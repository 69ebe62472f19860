package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_logical_and}: 1 where both are non-zero (NaN counts as true), else 0; zero
 * gradients. With NumPy broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastLogicalAnd extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastLogicalAnd OP = new BroadcastLogicalAnd();

  /** For the service loader; use {@link #OP}. */
  public BroadcastLogicalAnd() {
    super("broadcast_logical_and", List.of(), BinaryFn.LOGICAL_AND);
  }
}
