package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code rint} (alias _sparse_rint): the nearest integer, halves toward negative infinity
 * ({@code rint(2.5) = 2}, {@code rint(-2.5) = -3}: MXNet picks floor on a tie, not the even
 * neighbour); zero gradient. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Rint extends UnaryMath {
  /** The operator. */
  public static final Rint OP = new Rint();

  /** For the service loader; use {@link #OP}. */
  public Rint() {
    super("rint", List.of("_sparse_rint"), UnaryFn.RINT);
  }
}
