package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code cbrt} (alias _sparse_cbrt): the cube root (odd); gradient {@code dy / (3 y^2)}, from the
 * output. Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Cbrt extends UnaryMath {
  /** The operator. */
  public static final Cbrt OP = new Cbrt();

  /** For the service loader; use {@link #OP}. */
  public Cbrt() {
    super("cbrt", List.of("_sparse_cbrt"), UnaryFn.CBRT);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.POSITIVE, Domain.range(-3, -0.5));
  }
}
