package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code elemwise_add} (aliases _sparse_elemwise_add, _add, _plus, _Plus): {@code lhs + rhs}; both
 * gradients are {@code dy}. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseAdd extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseAdd OP = new ElemwiseAdd();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseAdd() {
    super("elemwise_add", List.of("_sparse_elemwise_add", "_add", "_plus", "_Plus"), BinaryFn.PLUS);
  }
}
