package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code negative} (alias _sparse_negative): {@code -x}; gradient {@code -dy}. Element-wise; output
 * of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Negative extends UnaryMath {
  /** The operator. */
  public static final Negative OP = new Negative();

  /** For the service loader; use {@link #OP}. */
  public Negative() {
    super("negative", List.of("_sparse_negative"), UnaryFn.NEGATIVE);
  }
}
