package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _minimum_scalar} (aliases _MinimumScalar, _npi_minimum_scalar): {@code min(data, scalar)},
 * NaN data kept; gradient {@code dy} where {@code data <= scalar}. Parameters {@code scalar}
 * (default 1) and {@code is_int} (default true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class MinimumScalar extends ScalarBinary {
  /** The operator. */
  public static final MinimumScalar OP = new MinimumScalar();

  /** For the service loader; use {@link #OP}. */
  public MinimumScalar() {
    super("_minimum_scalar",
        List.of("_MinimumScalar", "_npi_minimum_scalar"), BinaryFn.MINIMUM, false);
  }
}
