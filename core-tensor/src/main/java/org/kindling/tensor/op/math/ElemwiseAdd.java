package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.kernel.FloatKernels.Binary;
import org.kindling.tensor.op.OpDef;

/** {@code elemwise_add} (aliases _add, _plus, _Plus): {@code lhs + rhs}, element-wise, equal shapes. */
@AutoService(OpDef.class)
public final class ElemwiseAdd extends ElemwiseBinary {
  /** The operator. */
  public static final ElemwiseAdd OP = new ElemwiseAdd();

  /** For the service loader; use {@link #OP}. */
  public ElemwiseAdd() {
    super("elemwise_add", List.of("_add", "_plus", "_Plus"), Binary.ADD);
  }
}
