package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code ceil} (alias _sparse_ceil): the smallest integer {@code >= x}; zero gradient.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Ceil extends UnaryMath {
  /** The operator. */
  public static final Ceil OP = new Ceil();

  /** For the service loader; use {@link #OP}. */
  public Ceil() {
    super("ceil", List.of("_sparse_ceil"), UnaryFn.CEIL);
  }
}
