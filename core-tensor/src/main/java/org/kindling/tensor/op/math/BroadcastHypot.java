package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_hypot}: {@code sqrt(lhs^2 + rhs^2)}. With NumPy broadcasting (see
 * {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastHypot extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastHypot OP = new BroadcastHypot();

  /** For the service loader; use {@link #OP}. */
  public BroadcastHypot() {
    super("broadcast_hypot", List.of(), BinaryFn.HYPOT);
  }
}
