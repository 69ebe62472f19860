package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code arctanh} (alias _sparse_arctanh): the inverse hyperbolic tangent (NaN outside [-1, 1]);
 * gradient {@code dy / (1 - x^2)}. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Arctanh extends UnaryMath {
  /** The operator. */
  public static final Arctanh OP = new Arctanh();

  /** For the service loader; use {@link #OP}. */
  public Arctanh() {
    super("arctanh", List.of("_sparse_arctanh"), UnaryFn.ARCTANH);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.range(-0.9, 0.9));
  }
}
