package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _greater} (alias _Greater): 1 where {@code lhs > rhs}, else 0; zero gradients.
 * Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseGreater extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseGreater OP = new ElemwiseGreater();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseGreater() {
    super("_greater", List.of("_Greater"), BinaryFn.GREATER);
  }
}
