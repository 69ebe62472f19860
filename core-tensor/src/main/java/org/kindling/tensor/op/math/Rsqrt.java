package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code rsqrt} (alias _sparse_rsqrt): {@code 1/sqrt(x)}; gradient {@code -0.5 dy / (sqrt(x) x)}.
 * Element-wise; output of the input's shape and type.
 */
@AutoService(OpDef.class)
public final class Rsqrt extends UnaryMath {
  /** The operator. */
  public static final Rsqrt OP = new Rsqrt();

  /** For the service loader; use {@link #OP}. */
  public Rsqrt() {
    super("rsqrt", List.of("_sparse_rsqrt"), UnaryFn.RSQRT);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.POSITIVE);
  }
}
