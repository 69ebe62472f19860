package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code cosh} (alias _sparse_cosh): the hyperbolic cosine; gradient {@code dy sinh(x)}.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Cosh extends UnaryMath {
  /** The operator. */
  public static final Cosh OP = new Cosh();

  /** For the service loader; use {@link #OP}. */
  public Cosh() {
    super("cosh", List.of("_sparse_cosh"), UnaryFn.COSH);
  }
}
