package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code erf} (alias _npx_erf): the Gauss error function; gradient {@code dy 2/sqrt(pi) e^(-x^2)}.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Erf extends UnaryMath {
  /** The operator. */
  public static final Erf OP = new Erf();

  /** For the service loader; use {@link #OP}. */
  public Erf() {
    super("erf", List.of("_npx_erf"), UnaryFn.ERF);
  }
}
