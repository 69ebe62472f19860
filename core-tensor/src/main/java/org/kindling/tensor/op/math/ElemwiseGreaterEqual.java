package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _greater_equal} (alias _Greater_Equal): 1 where {@code lhs >= rhs}, else 0; zero
 * gradients. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseGreaterEqual extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseGreaterEqual OP = new ElemwiseGreaterEqual();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseGreaterEqual() {
    super("_greater_equal", List.of("_Greater_Equal"), BinaryFn.GREATER_EQUAL);
  }
}
