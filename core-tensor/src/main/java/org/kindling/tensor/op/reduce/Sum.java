package org.kindling.tensor.op.reduce;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code sum} (aliases {@code sum_axis}, {@code _sparse_sum}): the sum over the reduced axes. The
 * gradient broadcasts the output gradient back. MXNet sums in float32 with Kahan compensation; the
 * kernel accumulates in double, which has the same special-value behaviour (NaN and opposite
 * infinities give NaN).
 */
@AutoService(OpDef.class)
public final class Sum extends ReduceAxesOp {
  /** The operator. */
  public static final Sum OP = new Sum();

  /** For the service loader; use {@link #OP}. */
  public Sum() {
    super("sum", List.of("sum_axis", "_sparse_sum"), ReduceKind.SUM);
  }
}
