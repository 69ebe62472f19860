package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_add} (aliases _sparse_broadcast_add, _sparse_broadcast_plus, broadcast_plus):
 * {@code lhs + rhs}. With NumPy broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastAdd extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastAdd OP = new BroadcastAdd();

  /** For the service loader; use {@link #OP}. */
  public BroadcastAdd() {
    super("broadcast_add",
        List.of("_sparse_broadcast_add", "_sparse_broadcast_plus", "broadcast_plus"),
        BinaryFn.PLUS);
  }
}
