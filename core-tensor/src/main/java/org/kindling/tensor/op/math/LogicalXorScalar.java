package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _logical_xor_scalar} (alias _LogicalXorScalar): 1 where exactly one of data and scalar is
 * non-zero, else 0; zero gradient. Parameters {@code scalar} (default 1) and {@code is_int}
 * (default true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class LogicalXorScalar extends ScalarBinary {
  /** The operator. */
  public static final LogicalXorScalar OP = new LogicalXorScalar();

  /** For the service loader; use {@link #OP}. */
  public LogicalXorScalar() {
    super("_logical_xor_scalar", List.of("_LogicalXorScalar"), BinaryFn.LOGICAL_XOR, false);
  }
}
