package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _greater_equal_scalar} (alias _GreaterEqualScalar): 1 where {@code data >= scalar}, else
 * 0; zero gradient. Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class GreaterEqualScalar extends ScalarBinary {
  /** The operator. */
  public static final GreaterEqualScalar OP = new GreaterEqualScalar();

  /** For the service loader; use {@link #OP}. */
  public GreaterEqualScalar() {
    super("_greater_equal_scalar", List.of("_GreaterEqualScalar"), BinaryFn.GREATER_EQUAL, false);
  }
}
