package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _rminus_scalar} (alias _RMinusScalar): {@code scalar - data}; gradient {@code -dy}.
 * Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class RMinusScalar extends ScalarBinary {
  /** The operator. */
  public static final RMinusScalar OP = new RMinusScalar();

  /** For the service loader; use {@link #OP}. */
  public RMinusScalar() {
    super("_rminus_scalar", List.of("_RMinusScalar"), BinaryFn.MINUS, true);
  }
}
