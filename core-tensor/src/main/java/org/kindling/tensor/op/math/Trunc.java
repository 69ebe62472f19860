package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code trunc} (alias _sparse_trunc): the integer part, rounding toward zero; zero gradient.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Trunc extends UnaryMath {
  /** The operator. */
  public static final Trunc OP = new Trunc();

  /** For the service loader; use {@link #OP}. */
  public Trunc() {
    super("trunc", List.of("_sparse_trunc"), UnaryFn.TRUNC);
  }
}
