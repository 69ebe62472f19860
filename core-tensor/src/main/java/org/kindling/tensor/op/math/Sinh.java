package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code sinh} (alias _sparse_sinh): the hyperbolic sine; gradient {@code dy cosh(x)}.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Sinh extends UnaryMath {
  /** The operator. */
  public static final Sinh OP = new Sinh();

  /** For the service loader; use {@link #OP}. */
  public Sinh() {
    super("sinh", List.of("_sparse_sinh"), UnaryFn.SINH);
  }
}
