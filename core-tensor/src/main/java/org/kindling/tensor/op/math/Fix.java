package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code fix} (alias _sparse_fix): rounds toward zero (of floor and ceil, the one of smaller
 * magnitude); zero gradient. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Fix extends UnaryMath {
  /** The operator. */
  public static final Fix OP = new Fix();

  /** For the service loader; use {@link #OP}. */
  public Fix() {
    super("fix", List.of("_sparse_fix"), UnaryFn.FIX);
  }
}
