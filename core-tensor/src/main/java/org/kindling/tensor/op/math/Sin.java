package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code sin} (alias _sparse_sin): the sine; gradient {@code dy cos(x)}. Element-wise; output of
 * the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Sin extends UnaryMath {
  /** The operator. */
  public static final Sin OP = new Sin();

  /** For the service loader; use {@link #OP}. */
  public Sin() {
    super("sin", List.of("_sparse_sin"), UnaryFn.SIN);
  }
}
