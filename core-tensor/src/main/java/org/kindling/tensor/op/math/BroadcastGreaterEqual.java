package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_greater_equal}: 1 where {@code lhs >= rhs}, else 0; zero gradients. With NumPy
 * broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastGreaterEqual extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastGreaterEqual OP = new BroadcastGreaterEqual();

  /** For the service loader; use {@link #OP}. */
  public BroadcastGreaterEqual() {
    super("broadcast_greater_equal", List.of(), BinaryFn.GREATER_EQUAL);
  }
}
