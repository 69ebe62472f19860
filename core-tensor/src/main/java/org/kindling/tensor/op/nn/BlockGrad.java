package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code BlockGrad} (aliases {@code stop_gradient}, {@code _sparse_stop_gradient}): the identity
 * forward; no gradient flows back through it (MXNet's {@code MakeZeroGradNodes}: the data's
 * gradient is zero). The output may share the input's buffer.
 */
@AutoService(OpDef.class)
public final class BlockGrad extends IdentityForward<NoParams> {
  /** The operator. */
  public static final BlockGrad OP = new BlockGrad();

  /** For the service loader; use {@link #OP}. */
  public BlockGrad() {
    super("BlockGrad", List.of("stop_gradient", "_sparse_stop_gradient"), NoParams.class,
        List.of());
  }

  @Override
  public boolean inplaceIdentity(NoParams p) {
    return true;
  }

  @Override
  public Gradient gradient(NoParams p) {
    return Gradient.ZERO;
  }

  /** Zero, for callers that run the kernel's backward anyway. */
  @Override
  void inputGradient(NoParams p, int n, BackwardArgs a) {
    IdentityForward.fillGradient(a, n, 0f);
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return List.of(Sample.of(NoParams.NONE, Shape.of(2, 5)));
  }
}
