package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code cos} (alias _sparse_cos): the cosine; gradient {@code -dy sin(x)}. Element-wise; output of
 * the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Cos extends UnaryMath {
  /** The operator. */
  public static final Cos OP = new Cos();

  /** For the service loader; use {@link #OP}. */
  public Cos() {
    super("cos", List.of("_sparse_cos"), UnaryFn.COS);
  }
}
