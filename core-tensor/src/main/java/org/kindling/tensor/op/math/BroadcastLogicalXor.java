package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_logical_xor}: 1 where exactly one is non-zero, else 0; zero gradients. With
 * NumPy broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastLogicalXor extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastLogicalXor OP = new BroadcastLogicalXor();

  /** For the service loader; use {@link #OP}. */
  public BroadcastLogicalXor() {
    super("broadcast_logical_xor", List.of(), BinaryFn.LOGICAL_XOR);
  }
}
