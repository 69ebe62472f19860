package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code broadcast_minimum} (alias _npi_minimum): the smaller element (a NaN in either gives NaN);
 * the gradient goes to {@code lhs} where {@code lhs <= rhs}, else to {@code rhs}. With NumPy
 * broadcasting (see {@link BroadcastBinary}).
 */
@AutoService(OpDef.class)
public final class BroadcastMinimum extends BroadcastBinary {
  /** The operator. */
  public static final BroadcastMinimum OP = new BroadcastMinimum();

  /** For the service loader; use {@link #OP}. */
  public BroadcastMinimum() {
    super("broadcast_minimum", List.of("_npi_minimum"), BinaryFn.MINIMUM);
  }
}
