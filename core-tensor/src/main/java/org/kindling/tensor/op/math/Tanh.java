package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code tanh} (alias _sparse_tanh): the hyperbolic tangent; gradient {@code dy (1 - y^2)}, from
 * the output. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Tanh extends UnaryMath {
  /** The operator. */
  public static final Tanh OP = new Tanh();

  /** For the service loader; use {@link #OP}. */
  public Tanh() {
    super("tanh", List.of("_sparse_tanh"), UnaryFn.TANH);
  }
}
