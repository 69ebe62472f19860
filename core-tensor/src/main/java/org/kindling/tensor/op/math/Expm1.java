package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code expm1} (alias _sparse_expm1): {@code e^x - 1}, accurate near 0; gradient {@code dy e^x}.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Expm1 extends UnaryMath {
  /** The operator. */
  public static final Expm1 OP = new Expm1();

  /** For the service loader; use {@link #OP}. */
  public Expm1() {
    super("expm1", List.of("_sparse_expm1"), UnaryFn.EXPM1);
  }
}
