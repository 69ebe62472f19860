package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _minus_scalar} (alias _MinusScalar): {@code data - scalar}; gradient {@code dy}.
 * Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class MinusScalar extends ScalarBinary {
  /** The operator. */
  public static final MinusScalar OP = new MinusScalar();

  /** For the service loader; use {@link #OP}. */
  public MinusScalar() {
    super("_minus_scalar", List.of("_MinusScalar"), BinaryFn.MINUS, false);
  }
}
