package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code arccosh} (alias _sparse_arccosh): the inverse hyperbolic cosine (NaN below 1); gradient
 * {@code dy / sqrt(x^2 - 1)}. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Arccosh extends UnaryMath {
  /** The operator. */
  public static final Arccosh OP = new Arccosh();

  /** For the service loader; use {@link #OP}. */
  public Arccosh() {
    super("arccosh", List.of("_sparse_arccosh"), UnaryFn.ARCCOSH);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.range(1.2, 3));
  }
}
