package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code abs} (alias _sparse_abs): {@code |x|}; gradient {@code dy * sign(x)} (0 at 0).
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Abs extends UnaryMath {
  /** The operator. */
  public static final Abs OP = new Abs();

  /** For the service loader; use {@link #OP}. */
  public Abs() {
    super("abs", List.of("_sparse_abs"), UnaryFn.ABS);
  }
}
