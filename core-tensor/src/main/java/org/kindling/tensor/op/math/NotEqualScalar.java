package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _not_equal_scalar} (alias _NotEqualScalar): 1 where {@code data != scalar}, else 0; zero
 * gradient. Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class NotEqualScalar extends ScalarBinary {
  /** The operator. */
  public static final NotEqualScalar OP = new NotEqualScalar();

  /** For the service loader; use {@link #OP}. */
  public NotEqualScalar() {
    super("_not_equal_scalar", List.of("_NotEqualScalar"), BinaryFn.NOT_EQUAL, false);
  }
}
