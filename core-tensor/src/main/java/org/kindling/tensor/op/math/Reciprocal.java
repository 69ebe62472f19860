package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code reciprocal}: {@code 1 / x}; gradient {@code -dy / x^2}. Element-wise; output of the
 * input's shape and type.
 */
@AutoService(OpDef.class)
public final class Reciprocal extends UnaryMath {
  /** The operator. */
  public static final Reciprocal OP = new Reciprocal();

  /** For the service loader; use {@link #OP}. */
  public Reciprocal() {
    super("reciprocal", List.of(), UnaryFn.RECIPROCAL);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.POSITIVE, Domain.range(-3, -0.5));
  }
}
