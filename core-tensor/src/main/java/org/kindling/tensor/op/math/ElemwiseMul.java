package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.kernel.FloatKernels.Binary;
import org.kindling.tensor.op.OpDef;

/** {@code elemwise_mul} (aliases _mul, _Mul): {@code lhs * rhs}, element-wise, equal shapes. */
@AutoService(OpDef.class)
public final class ElemwiseMul extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseMul OP = new ElemwiseMul();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseMul() {
    super("elemwise_mul", List.of("_mul", "_Mul"), Binary.MULTIPLY);
  }
}
