package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_greater}: 1 where {@code lhs > rhs}, else 0; zero gradients. With NumPy
 * broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastGreater extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastGreater OP = new BroadcastGreater();

  /** For the service loader; use {@link #OP}. */
  public BroadcastGreater() {
    super("broadcast_greater", List.of(), BinaryFn.GREATER);
  }
}
