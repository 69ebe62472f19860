package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_equal}: 1 where {@code lhs == rhs}, else 0, in the inputs' type; zero gradients.
 * With NumPy broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastEqual extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastEqual OP = new BroadcastEqual();

  /** For the service loader; use {@link #OP}. */
  public BroadcastEqual() {
    super("broadcast_equal", List.of(), BinaryFn.EQUAL);
  }
}
