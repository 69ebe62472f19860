package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code arcsin} (alias _sparse_arcsin): the inverse sine (NaN outside [-1, 1]); gradient
 * {@code dy / sqrt(1 - x^2)}. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Arcsin extends UnaryMath {
  /** The operator. */
  public static final Arcsin OP = new Arcsin();

  /** For the service loader; use {@link #OP}. */
  public Arcsin() {
    super("arcsin", List.of("_sparse_arcsin"), UnaryFn.ARCSIN);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.range(-0.9, 0.9));
  }
}
