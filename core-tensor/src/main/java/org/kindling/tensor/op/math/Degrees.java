package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code degrees} (alias _sparse_degrees): radians to degrees, {@code x * 180 / pi}. Element-wise;
 * output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Degrees extends UnaryMath {
  /** The operator. */
  public static final Degrees OP = new Degrees();

  /** For the service loader; use {@link #OP}. */
  public Degrees() {
    super("degrees", List.of("_sparse_degrees"), UnaryFn.DEGREES);
  }
}
