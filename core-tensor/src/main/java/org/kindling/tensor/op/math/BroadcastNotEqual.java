package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_not_equal}: 1 where {@code lhs != rhs}, else 0; zero gradients. With NumPy
 * broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastNotEqual extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastNotEqual OP = new BroadcastNotEqual();

  /** For the service loader; use {@link #OP}. */
  public BroadcastNotEqual() {
    super("broadcast_not_equal", List.of(), BinaryFn.NOT_EQUAL);
  }
}
