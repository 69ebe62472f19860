package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _mul_scalar} (alias _MulScalar): {@code data * scalar}; gradient {@code dy * scalar}.
 * Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class MulScalar extends ScalarBinary {
  /** The operator. */
  public static final MulScalar OP = new MulScalar();

  /** For the service loader; use {@link #OP}. */
  public MulScalar() {
    super("_mul_scalar", List.of("_MulScalar"), BinaryFn.MUL, false);
  }
}
