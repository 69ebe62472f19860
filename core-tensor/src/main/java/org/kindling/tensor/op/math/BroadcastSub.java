package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_sub} (aliases _sparse_broadcast_sub, _sparse_broadcast_minus, broadcast_minus):
 * {@code lhs - rhs}. With NumPy broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastSub extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastSub OP = new BroadcastSub();

  /** For the service loader; use {@link #OP}. */
  public BroadcastSub() {
    super("broadcast_sub",
        List.of("_sparse_broadcast_sub", "_sparse_broadcast_minus", "broadcast_minus"),
        BinaryFn.MINUS);
  }
}
