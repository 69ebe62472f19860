package org.kindling.tensor.op.reduce;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code prod}: the product over the reduced axes; the gradient is {@code dy * y / x} (MXNet's
 * rule, so a zero input gives a non-finite gradient).
 */
@AutoService(OpDef.class)
public final class Prod extends ReduceAxesOp {
  /** The operator. */
  public static final Prod OP = new Prod();

  /** For the service loader; use {@link #OP}. */
  public Prod() {
    super("prod", List.of(), ReduceKind.PROD);
  }
}
