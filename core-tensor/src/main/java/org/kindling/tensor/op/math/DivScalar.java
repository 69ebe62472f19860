package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _div_scalar} (alias _DivScalar): {@code data / scalar}; gradient {@code dy / scalar}.
 * Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class DivScalar extends ScalarBinary {
  /** The operator. */
  public static final DivScalar OP = new DivScalar();

  /** For the service loader; use {@link #OP}. */
  public DivScalar() {
    super("_div_scalar", List.of("_DivScalar"), BinaryFn.DIV, false);
  }
}
