package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _logical_or} (alias _Logical_Or): 1 where either is non-zero, else 0; zero gradients.
 * Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseLogicalOr extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseLogicalOr OP = new ElemwiseLogicalOr();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseLogicalOr() {
    super("_logical_or", List.of("_Logical_Or"), BinaryFn.LOGICAL_OR);
  }
}
