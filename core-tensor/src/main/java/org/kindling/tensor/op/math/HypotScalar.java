package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _hypot_scalar} (aliases _npi_hypot_scalar, _HypotScalar): {@code sqrt(data^2 + scalar^2)};
 * gradient {@code dy data / y}. Parameters {@code scalar} (default 1) and {@code is_int} (default
 * true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class HypotScalar extends ScalarBinary {
  /** The operator. */
  public static final HypotScalar OP = new HypotScalar();

  /** For the service loader; use {@link #OP}. */
  public HypotScalar() {
    super("_hypot_scalar", List.of("_npi_hypot_scalar", "_HypotScalar"), BinaryFn.HYPOT, false);
  }
}
