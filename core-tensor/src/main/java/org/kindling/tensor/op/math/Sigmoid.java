package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code sigmoid} (alias _sparse_sigmoid): {@code 1 / (1 + e^-x)}; gradient {@code dy y (1 - y)},
 * from the output. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Sigmoid extends UnaryMath {
  /** The operator. */
  public static final Sigmoid OP = new Sigmoid();

  /** For the service loader; use {@link #OP}. */
  public Sigmoid() {
    super("sigmoid", List.of("_sparse_sigmoid"), UnaryFn.SIGMOID);
  }
}
