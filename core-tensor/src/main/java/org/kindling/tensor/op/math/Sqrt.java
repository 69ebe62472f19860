package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code sqrt} (alias _sparse_sqrt): {@code sqrt(x)} (NaN below 0); gradient {@code dy * 0.5 / y},
 * from the output. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Sqrt extends UnaryMath {
  /** The operator. */
  public static final Sqrt OP = new Sqrt();

  /** For the service loader; use {@link #OP}. */
  public Sqrt() {
    super("sqrt", List.of("_sparse_sqrt"), UnaryFn.SQRT);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.POSITIVE);
  }
}
