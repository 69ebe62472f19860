package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code exp} (alias _sparse_exp): {@code e^x}; gradient {@code dy * y}, from the output.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Exp extends UnaryMath {
  /** The operator. */
  public static final Exp OP = new Exp();

  /** For the service loader; use {@link #OP}. */
  public Exp() {
    super("exp", List.of("_sparse_exp"), UnaryFn.EXP);
  }
}
