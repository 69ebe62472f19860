package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code _rmod_scalar} (alias _RModScalar): {@code scalar mod data} with the data's sign (Python's
 * {@code %}), 0 where {@code data == 0}; gradient {@code -dy floor(scalar / data)}. Parameters
 * {@code scalar} (default 1) and {@code is_int} (default true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class RModScalar extends ScalarBinary {
  /** The operator. */
  public static final RModScalar OP = new RModScalar();

  /** For the service loader; use {@link #OP}. */
  public RModScalar() {
    super("_rmod_scalar", List.of("_RModScalar"), BinaryFn.MOD, true);
  }

  @Override
  public List<Sample<ScalarParams>> samples() {
    return List.of(
        Sample.of(ScalarParams.of(2.5), Shape.of(3, 4)).domain(0, Domain.range(2.6, 3)),
        Sample.of(ScalarParams.of(-2.5), Shape.of(3, 4)).domain(0, Domain.range(2.6, 3)),
        Sample.of(ScalarParams.of(2.5), Shape.of(3, 4)).domain(0, Domain.range(1.3, 2.4)),
        Sample.of(ScalarParams.of(1.7), Shape.of(5000)).noGradientCheck());
  }
}
