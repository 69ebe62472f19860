package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _equal_scalar} (alias _EqualScalar): 1 where {@code data == scalar}, else 0, in the data's
 * type; zero gradient. Parameters {@code scalar} (default 1) and {@code is_int} (default true); see
 * {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class EqualScalar extends ScalarBinary {
  /** The operator. */
  public static final EqualScalar OP = new EqualScalar();

  /** For the service loader; use {@link #OP}. */
  public EqualScalar() {
    super("_equal_scalar", List.of("_EqualScalar"), BinaryFn.EQUAL, false);
  }
}
