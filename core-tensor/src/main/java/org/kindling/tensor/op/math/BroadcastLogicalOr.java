package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_logical_or}: 1 where either is non-zero, else 0; zero gradients. With NumPy
 * broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastLogicalOr extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastLogicalOr OP = new BroadcastLogicalOr();

  /** For the service loader; use {@link #OP}. */
  public BroadcastLogicalOr() {
    super("broadcast_logical_or", List.of(), BinaryFn.LOGICAL_OR);
  }
}
