package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code arctan} (alias _sparse_arctan): the inverse tangent; gradient {@code dy / (x^2 + 1)}.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Arctan extends UnaryMath {
  /** The operator. */
  public static final Arctan OP = new Arctan();

  /** For the service loader; use {@link #OP}. */
  public Arctan() {
    super("arctan", List.of("_sparse_arctan"), UnaryFn.ARCTAN);
  }
}
