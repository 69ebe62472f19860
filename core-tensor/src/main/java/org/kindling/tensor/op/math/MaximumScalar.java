package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _maximum_scalar} (aliases _MaximumScalar, _npi_maximum_scalar): {@code max(data, scalar)},
 * NaN data kept; gradient {@code dy} where {@code data >= scalar}. Parameters {@code scalar}
 * (default 1) and {@code is_int} (default true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class MaximumScalar extends ScalarBinary {
  /** The operator. */
  public static final MaximumScalar OP = new MaximumScalar();

  /** For the service loader; use {@link #OP}. */
  public MaximumScalar() {
    super("_maximum_scalar",
        List.of("_MaximumScalar", "_npi_maximum_scalar"), BinaryFn.MAXIMUM, false);
  }
}
