package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.kernel.FloatKernels.Binary;
import org.kindling.tensor.op.OpDef;

/** {@code elemwise_sub} (aliases _sub, _minus, _Minus): {@code lhs - rhs}, element-wise, equal shapes. */
@AutoService(OpDef.class)
public final class ElemwiseSub extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseSub OP = new ElemwiseSub();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseSub() {
    super("elemwise_sub", List.of("_sub", "_minus", "_Minus"), Binary.SUBTRACT);
  }
}
