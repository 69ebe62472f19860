package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code elemwise_sub} (aliases _sparse_elemwise_sub, _sub, _minus, _Minus): {@code lhs - rhs};
 * gradients {@code dy}, {@code -dy}. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseSub extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseSub OP = new ElemwiseSub();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseSub() {
    super("elemwise_sub",
        List.of("_sparse_elemwise_sub", "_sub", "_minus", "_Minus"), BinaryFn.MINUS);
  }
}
