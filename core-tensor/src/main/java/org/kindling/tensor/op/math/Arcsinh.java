package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code arcsinh} (alias _sparse_arcsinh): the inverse hyperbolic sine; gradient
 * {@code dy / hypot(x, 1)}. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Arcsinh extends UnaryMath {
  /** The operator. */
  public static final Arcsinh OP = new Arcsinh();

  /** For the service loader; use {@link #OP}. */
  public Arcsinh() {
    super("arcsinh", List.of("_sparse_arcsinh"), UnaryFn.ARCSINH);
  }
}
