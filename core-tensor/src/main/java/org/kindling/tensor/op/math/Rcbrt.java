package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code rcbrt}: {@code 1/cbrt(x)}; gradient {@code -dy / (3 cbrt(x) x)}. Element-wise; output of
 * the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Rcbrt extends UnaryMath {
  /** The operator. */
  public static final Rcbrt OP = new Rcbrt();

  /** For the service loader; use {@link #OP}. */
  public Rcbrt() {
    super("rcbrt", List.of(), UnaryFn.RCBRT);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.POSITIVE, Domain.range(-3, -0.5));
  }
}
