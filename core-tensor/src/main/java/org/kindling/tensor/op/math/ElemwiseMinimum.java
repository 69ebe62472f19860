package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _minimum} (alias _Minimum): the smaller of {@code lhs} and {@code rhs} (a NaN in either
 * gives NaN); the gradient goes to {@code lhs} where {@code lhs <= rhs}, else to {@code rhs}.
 * Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseMinimum extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseMinimum OP = new ElemwiseMinimum();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseMinimum() {
    super("_minimum", List.of("_Minimum"), BinaryFn.MINIMUM);
  }
}
