package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _maximum} (alias _Maximum): the larger of {@code lhs} and {@code rhs} (a NaN in either
 * gives NaN); the gradient goes to {@code lhs} where {@code lhs >= rhs}, else to {@code rhs}.
 * Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseMaximum extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseMaximum OP = new ElemwiseMaximum();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseMaximum() {
    super("_maximum", List.of("_Maximum"), BinaryFn.MAXIMUM);
  }
}
