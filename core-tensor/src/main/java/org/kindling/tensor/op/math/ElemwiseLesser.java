package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _lesser} (alias _Lesser): 1 where {@code lhs < rhs}, else 0; zero gradients. Element-wise
 * on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseLesser extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseLesser OP = new ElemwiseLesser();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseLesser() {
    super("_lesser", List.of("_Lesser"), BinaryFn.LESSER);
  }
}
