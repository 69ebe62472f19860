package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code log10} (alias _sparse_log10): the base-10 logarithm; gradient {@code dy / (x ln 10)}.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Log10 extends UnaryMath {
  /** The operator. */
  public static final Log10 OP = new Log10();

  /** For the service loader; use {@link #OP}. */
  public Log10() {
    super("log10", List.of("_sparse_log10"), UnaryFn.LOG10);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.POSITIVE);
  }
}
