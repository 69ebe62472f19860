package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code log2} (alias _sparse_log2): the base-2 logarithm; gradient {@code dy / (x ln 2)}.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Log2 extends UnaryMath {
  /** The operator. */
  public static final Log2 OP = new Log2();

  /** For the service loader; use {@link #OP}. */
  public Log2() {
    super("log2", List.of("_sparse_log2"), UnaryFn.LOG2);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.POSITIVE);
  }
}
