package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _greater_scalar} (alias _GreaterScalar): 1 where {@code data > scalar}, else 0; zero
 * gradient. Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class GreaterScalar extends ScalarBinary {
  /** The operator. */
  public static final GreaterScalar OP = new GreaterScalar();

  /** For the service loader; use {@link #OP}. */
  public GreaterScalar() {
    super("_greater_scalar", List.of("_GreaterScalar"), BinaryFn.GREATER, false);
  }
}
