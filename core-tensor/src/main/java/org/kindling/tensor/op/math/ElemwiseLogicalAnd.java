package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _logical_and} (alias _Logical_And): 1 where both are non-zero (NaN counts as true), else
 * 0; zero gradients. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseLogicalAnd extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseLogicalAnd OP = new ElemwiseLogicalAnd();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseLogicalAnd() {
    super("_logical_and", List.of("_Logical_And"), BinaryFn.LOGICAL_AND);
  }
}
