package org.kindling.tensor.op.reduce;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code nansum}: the sum treating NaN as absent; gradient {@code dy} where the input is not NaN,
 * else 0. As MXNet 1.9.1, the sum is a float32 Kahan sum without an infinity guard: after an
 * infinity, any later non-NaN element makes the result NaN ({@code nansum([inf, 1]) = nan}).
 */
@AutoService(OpDef.class)
public final class NanSum extends ReduceAxesOp {
  /** The operator. */
  public static final NanSum OP = new NanSum();

  /** For the service loader; use {@link #OP}. */
  public NanSum() {
    super("nansum", List.of(), ReduceKind.NANSUM);
  }
}
