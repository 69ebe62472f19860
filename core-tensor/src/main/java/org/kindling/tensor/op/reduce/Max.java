package org.kindling.tensor.op.reduce;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code max} (alias {@code max_axis}): the maximum over the reduced axes. NaN propagates (a NaN
 * anywhere gives NaN), as mshadow's maximum. The gradient goes to every element equal to the
 * maximum (all of them on ties: MXNet's {@code _backward_max} multiplies by {@code x == y}); an
 * input of size 0 is an error.
 */
@AutoService(OpDef.class)
public final class Max extends ReduceAxesOp {
  /** The operator. */
  public static final Max OP = new Max();

  /** For the service loader; use {@link #OP}. */
  public Max() {
    super("max", List.of("max_axis"), ReduceKind.MAX);
  }
}
