package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code log1p} (alias _sparse_log1p): {@code log(1 + x)}, accurate near 0; gradient
 * {@code dy / (1 + x)}. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Log1p extends UnaryMath {
  /** The operator. */
  public static final Log1p OP = new Log1p();

  /** For the service loader; use {@link #OP}. */
  public Log1p() {
    super("log1p", List.of("_sparse_log1p"), UnaryFn.LOG1P);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.range(-0.5, 3));
  }
}
