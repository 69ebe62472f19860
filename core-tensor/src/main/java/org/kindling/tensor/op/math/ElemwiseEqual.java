package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _equal} (alias _Equal): 1 where {@code lhs == rhs}, else 0, in the inputs' type; zero
 * gradients. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseEqual extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseEqual OP = new ElemwiseEqual();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseEqual() {
    super("_equal", List.of("_Equal"), BinaryFn.EQUAL);
  }
}
