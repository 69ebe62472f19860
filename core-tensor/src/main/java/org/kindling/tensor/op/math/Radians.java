package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.OpDef;

/**
 * {@code radians} (alias _sparse_radians): degrees to radians, {@code x * pi / 180}. Element-wise;
 * output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Radians extends UnaryMath {
  /** The operator. */
  public static final Radians OP = new Radians();

  /** For the service loader; use {@link #OP}. */
  public Radians() {
    super("radians", List.of("_sparse_radians"), UnaryFn.RADIANS);
  }
}
