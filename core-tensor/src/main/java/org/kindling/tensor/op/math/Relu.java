package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code relu} (alias _sparse_relu): {@code max(x, 0)}, NaN kept (mshadow's relu); gradient
 * {@code dy} where {@code y > 0}, from the output (NaN where y is NaN). Element-wise; output of the
 * input's shape and type.
 */
@AutoService(OpDef.class)
public final class Relu extends UnaryMath {
  /** The operator. */
  public static final Relu OP = new Relu();

  /** For the service loader; use {@link #OP}. */
  public Relu() {
    super("relu", List.of("_sparse_relu"), UnaryFn.RELU);
  }
}
