package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code _power_scalar} (alias _PowerScalar): {@code data ^ scalar} (C's pow); gradient
 * {@code dy scalar data^(scalar-1)}. Parameters {@code scalar} (default 1) and {@code is_int}
 * (default true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class PowerScalar extends ScalarBinary {
  /** The operator. */
  public static final PowerScalar OP = new PowerScalar();

  /** For the service loader; use {@link #OP}. */
  public PowerScalar() {
    super("_power_scalar", List.of("_PowerScalar"), BinaryFn.POWER, false);
  }

  @Override
  public List<Sample<ScalarParams>> samples() {
    return List.of(
        Sample.of(ScalarParams.of(2), Shape.of(3, 4)),
        Sample.of(new ScalarParams(0.5, false), Shape.of(3, 4)).domain(0, Domain.POSITIVE),
        Sample.of(ScalarParams.of(-1.5), Shape.of(3, 4)).domain(0, Domain.POSITIVE),
        Sample.of(ScalarParams.of(3), Shape.of(5000)).noGradientCheck());
  }
}
