package org.kindling.tensor.op.reduce;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code min} (alias {@code min_axis}): the minimum over the reduced axes, with the NaN and tie
 * rules of {@link Max}.
 */
@AutoService(OpDef.class)
public final class Min extends ReduceAxesOp {
  /** The operator. */
  public static final Min OP = new Min();

  /** For the service loader; use {@link #OP}. */
  public Min() {
    super("min", List.of("min_axis"), ReduceKind.MIN);
  }
}
