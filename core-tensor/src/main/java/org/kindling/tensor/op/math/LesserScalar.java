package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _lesser_scalar} (alias _LesserScalar): 1 where {@code data < scalar}, else 0; zero
 * gradient. Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class LesserScalar extends ScalarBinary {
  /** The operator. */
  public static final LesserScalar OP = new LesserScalar();

  /** For the service loader; use {@link #OP}. */
  public LesserScalar() {
    super("_lesser_scalar", List.of("_LesserScalar"), BinaryFn.LESSER, false);
  }
}
