package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code _rdiv_scalar} (alias _RDivScalar): {@code scalar / data}; gradient
 * {@code -dy scalar / data^2}. Parameters {@code scalar} (default 1) and {@code is_int} (default
 * true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class RDivScalar extends ScalarBinary {
  /** The operator. */
  public static final RDivScalar OP = new RDivScalar();

  /** For the service loader; use {@link #OP}. */
  public RDivScalar() {
    super("_rdiv_scalar", List.of("_RDivScalar"), BinaryFn.DIV, true);
  }

  @Override
  public List<Sample<ScalarParams>> samples() {
    return List.of(
        Sample.of(ScalarParams.of(2.5), Shape.of(3, 4)).domain(0, Domain.POSITIVE),
        Sample.of(ScalarParams.of(-1), Shape.of(2, 5)).domain(0, Domain.range(-3, -0.5)),
        Sample.of(ScalarParams.of(0.1), Shape.of(5000)).noGradientCheck());
  }
}
