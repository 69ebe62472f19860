package org.kindling.tensor.op.reduce;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code mean} (alias {@code _sparse_mean}): the sum over the reduced axes divided by their element
 * count; the gradient is the output gradient broadcast back and divided by that count.
 */
@AutoService(OpDef.class)
public final class Mean extends ReduceAxesOp {
  /** The operator. */
  public static final Mean OP = new Mean();

  /** For the service loader; use {@link #OP}. */
  public Mean() {
    super("mean", List.of("_sparse_mean"), ReduceKind.MEAN);
  }
}
