package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_maximum} (alias _npi_maximum): the larger element (a NaN in either gives NaN);
 * the gradient goes to {@code lhs} where {@code lhs >= rhs}, else to {@code rhs}. With NumPy
 * broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastMaximum extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastMaximum OP = new BroadcastMaximum();

  /** For the service loader; use {@link #OP}. */
  public BroadcastMaximum() {
    super("broadcast_maximum", List.of("_npi_maximum"), BinaryFn.MAXIMUM);
  }
}
