package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_mul} (alias _sparse_broadcast_mul): {@code lhs * rhs}. With NumPy broadcasting
 * (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastMul extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastMul OP = new BroadcastMul();

  /** For the service loader; use {@link #OP}. */
  public BroadcastMul() {
    super("broadcast_mul", List.of("_sparse_broadcast_mul"), BinaryFn.MUL);
  }
}
