package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code square} (alias _sparse_square): {@code x^2}; gradient {@code 2x dy}. Element-wise; output
 * of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Square extends UnaryMath {
  /** The operator. */
  public static final Square OP = new Square();

  /** For the service loader; use {@link #OP}. */
  public Square() {
    super("square", List.of("_sparse_square"), UnaryFn.SQUARE);
  }
}
