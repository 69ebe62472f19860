package org.kindling.tensor.op.reduce;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code nanprod}: the product treating NaN as absent (as 1); gradient {@code dy * y / x} where the
 * input is not NaN, else 0.
 */
@AutoService(OpDef.class)
public final class NanProd extends ReduceAxesOp {
  /** The operator. */
  public static final NanProd OP = new NanProd();

  /** For the service loader; use {@link #OP}. */
  public NanProd() {
    super("nanprod", List.of(), ReduceKind.NANPROD);
  }
}
