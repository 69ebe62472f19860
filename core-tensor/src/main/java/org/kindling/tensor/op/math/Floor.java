package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code floor} (alias _sparse_floor): the largest integer {@code <= x}; zero gradient.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Floor extends UnaryMath {
  /** The operator. */
  public static final Floor OP = new Floor();

  /** For the service loader; use {@link #OP}. */
  public Floor() {
    super("floor", List.of("_sparse_floor"), UnaryFn.FLOOR);
  }
}
