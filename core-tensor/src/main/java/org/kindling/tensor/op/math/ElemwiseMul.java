package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code elemwise_mul} (aliases _sparse_elemwise_mul, _mul, _Mul): {@code lhs * rhs}; gradients
 * {@code dy rhs}, {@code dy lhs}. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseMul extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseMul OP = new ElemwiseMul();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseMul() {
    super("elemwise_mul", List.of("_sparse_elemwise_mul", "_mul", "_Mul"), BinaryFn.MUL);
  }
}
