package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _logical_and_scalar} (alias _LogicalAndScalar): 1 where both data and scalar are non-zero
 * (NaN counts as true), else 0; zero gradient. Parameters {@code scalar} (default 1) and
 * {@code is_int} (default true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class LogicalAndScalar extends ScalarBinary {
  /** The operator. */
  public static final LogicalAndScalar OP = new LogicalAndScalar();

  /** For the service loader; use {@link #OP}. */
  public LogicalAndScalar() {
    super("_logical_and_scalar", List.of("_LogicalAndScalar"), BinaryFn.LOGICAL_AND, false);
  }
}
