package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_lesser}: 1 where {@code lhs < rhs}, else 0; zero gradients. With NumPy
 * broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastLesser extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastLesser OP = new BroadcastLesser();

  /** For the service loader; use {@link #OP}. */
  public BroadcastLesser() {
    super("broadcast_lesser", List.of(), BinaryFn.LESSER);
  }
}
