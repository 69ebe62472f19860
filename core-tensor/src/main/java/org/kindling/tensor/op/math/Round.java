package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code round} (alias _sparse_round): the nearest integer, halves away from zero
 * ({@code round(-2.5) = -3}); zero gradient. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Round extends UnaryMath {
  /** The operator. */
  public static final Round OP = new Round();

  /** For the service loader; use {@link #OP}. */
  public Round() {
    super("round", List.of("_sparse_round"), UnaryFn.ROUND);
  }
}
