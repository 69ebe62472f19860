package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _logical_or_scalar} (alias _LogicalOrScalar): 1 where data or scalar is non-zero, else 0;
 * zero gradient. Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class LogicalOrScalar extends ScalarBinary {
  /** The operator. */
  public static final LogicalOrScalar OP = new LogicalOrScalar();

  /** For the service loader; use {@link #OP}. */
  public LogicalOrScalar() {
    super("_logical_or_scalar", List.of("_LogicalOrScalar"), BinaryFn.LOGICAL_OR, false);
  }
}
