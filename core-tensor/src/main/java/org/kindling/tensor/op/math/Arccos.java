package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code arccos} (alias _sparse_arccos): the inverse cosine; gradient {@code -dy / sqrt(1 - x^2)}.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Arccos extends UnaryMath {
  /** The operator. */
  public static final Arccos OP = new Arccos();

  /** For the service loader; use {@link #OP}. */
  public Arccos() {
    super("arccos", List.of("_sparse_arccos"), UnaryFn.ARCCOS);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.range(-0.9, 0.9));
  }
}
