package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _lesser_equal_scalar} (alias _LesserEqualScalar): 1 where {@code data <= scalar}, else 0;
 * zero gradient. Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class LesserEqualScalar extends ScalarBinary {
  /** The operator. */
  public static final LesserEqualScalar OP = new LesserEqualScalar();

  /** For the service loader; use {@link #OP}. */
  public LesserEqualScalar() {
    super("_lesser_equal_scalar", List.of("_LesserEqualScalar"), BinaryFn.LESSER_EQUAL, false);
  }
}
