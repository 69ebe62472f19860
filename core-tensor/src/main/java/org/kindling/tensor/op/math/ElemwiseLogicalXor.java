package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code _logical_xor} (alias _Logical_Xor): 1 where exactly one is non-zero, else 0; zero
 * gradients. Element-wise on two inputs of one shape.
 */
@AutoService(OpDef.class)
public final class ElemwiseLogicalXor extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseLogicalXor OP = new ElemwiseLogicalXor();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseLogicalXor() {
    super("_logical_xor", List.of("_Logical_Xor"), BinaryFn.LOGICAL_XOR);
  }
}
