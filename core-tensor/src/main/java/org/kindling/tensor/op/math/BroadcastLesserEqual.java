package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_lesser_equal}: 1 where {@code lhs <= rhs}, else 0; zero gradients. With NumPy
 * broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastLesserEqual extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastLesserEqual OP = new BroadcastLesserEqual();

  /** For the service loader; use {@link #OP}. */
  public BroadcastLesserEqual() {
    super("broadcast_lesser_equal", List.of(), BinaryFn.LESSER_EQUAL);
  }
}
