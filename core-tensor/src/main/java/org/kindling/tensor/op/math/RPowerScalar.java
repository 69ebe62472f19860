package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code _rpower_scalar} (alias _RPowerScalar): {@code scalar ^ data} (C's pow); gradient
 * {@code dy y ln(scalar)}, from the output. Parameters {@code scalar} (default 1) and
 * {@code is_int} (default true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class RPowerScalar extends ScalarBinary {
  /** The operator. */
  public static final RPowerScalar OP = new RPowerScalar();

  /** For the service loader; use {@link #OP}. */
  public RPowerScalar() {
    super("_rpower_scalar", List.of("_RPowerScalar"), BinaryFn.POWER, true);
  }

  @Override
  public List<Sample<ScalarParams>> samples() {
    return List.of(
        Sample.of(ScalarParams.of(2), Shape.of(3, 4)),
        Sample.of(new ScalarParams(0.5, false), Shape.of(3, 4)),
        Sample.of(ScalarParams.of(-2), Shape.of(3, 4)).noGradientCheck(),
        Sample.of(ScalarParams.of(1.5), Shape.of(5000)).noGradientCheck());
  }
}
