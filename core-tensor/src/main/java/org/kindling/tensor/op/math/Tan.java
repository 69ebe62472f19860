package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code tan} (alias _sparse_tan): the tangent; gradient {@code dy (y^2 + 1)}, from the output.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Tan extends UnaryMath {
  /** The operator. */
  public static final Tan OP = new Tan();

  /** For the service loader; use {@link #OP}. */
  public Tan() {
    super("tan", List.of("_sparse_tan"), UnaryFn.TAN);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.range(-1.2, 1.2));
  }
}
