package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code log} (alias _sparse_log): the natural logarithm (NaN below 0, -inf at 0); gradient
 * {@code dy / x}. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Log extends UnaryMath {
  /** The operator. */
  public static final Log OP = new Log();

  /** For the service loader; use {@link #OP}. */
  public Log() {
    super("log", List.of("_sparse_log"), UnaryFn.LOG);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.POSITIVE);
  }
}
