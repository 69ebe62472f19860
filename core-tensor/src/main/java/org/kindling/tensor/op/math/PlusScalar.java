package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _plus_scalar} (alias _PlusScalar): {@code data + scalar}; gradient {@code dy}. Parameters
 * {@code scalar} (default 1) and {@code is_int} (default true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class PlusScalar extends ScalarBinary {
  /** The operator. */
  public static final PlusScalar OP = new PlusScalar();

  /** For the service loader; use {@link #OP}. */
  public PlusScalar() {
    super("_plus_scalar", List.of("_PlusScalar"), BinaryFn.PLUS, false);
  }
}
