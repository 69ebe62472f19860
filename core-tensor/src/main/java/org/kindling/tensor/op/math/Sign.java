package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code sign} (alias _sparse_sign): -1, 0 or 1 ({@code sign(NaN) = 0}, as mshadow); zero gradient.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Sign extends UnaryMath {
  /** The operator. */
  public static final Sign OP = new Sign();

  /** For the service loader; use {@link #OP}. */
  public Sign() {
    super("sign", List.of("_sparse_sign"), UnaryFn.SIGN);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.ANY, new Domain(-1, 2, true, false));
  }
}
