package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code softsign}: {@code x / (1 + |x|)}; gradient {@code dy / (1 + |x|)^2}. Element-wise; output
 * of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Softsign extends UnaryMath {
  /** The operator. */
  public static final Softsign OP = new Softsign();

  /** For the service loader; use {@link #OP}. */
  public Softsign() {
    super("softsign", List.of(), UnaryFn.SOFTSIGN);
  }
}
