package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _lesser_equal} (alias _Lesser_Equal): 1 where {@code lhs <= rhs}, else 0; zero gradients.
 * Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseLesserEqual extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseLesserEqual OP = new ElemwiseLesserEqual();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseLesserEqual() {
    super("_lesser_equal", List.of("_Lesser_Equal"), BinaryFn.LESSER_EQUAL);
  }
}
