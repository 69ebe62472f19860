package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _not_equal} (alias _Not_Equal): 1 where {@code lhs != rhs} (also for NaN), else 0; zero
 * gradients. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseNotEqual extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseNotEqual OP = new ElemwiseNotEqual();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseNotEqual() {
    super("_not_equal", List.of("_Not_Equal"), BinaryFn.NOT_EQUAL);
  }
}
