package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code make_loss} (alias {@code _sparse_make_loss}), the parameterless successor of
 * {@code MakeLoss}: identity forward with output name {@code loss}; the backward pass ignores
 * the head gradient and writes ones (MXNet's gradient is {@code ones_like(data)}). The output
 * may share the input's buffer.
 */
@AutoService(OpDef.class)
public final class MakeLossUnary extends IdentityForward<NoParams> {
  /** The operator. */
  public static final MakeLossUnary OP = new MakeLossUnary();

  /** For the service loader; use {@link #OP}. */
  public MakeLossUnary() {
    super("make_loss", List.of("_sparse_make_loss"), NoParams.class, List.of());
  }

  @Override
  public List<String> outputNames(NoParams p) {
    return List.of("loss");
  }

  @Override
  public boolean inplaceIdentity(NoParams p) {
    return true;
  }

  @Override
  public BackwardDeps backwardDeps(NoParams p) {
    return BackwardDeps.none();
  }

  @Override
  void inputGradient(NoParams p, int n, BackwardArgs a) {
    IdentityForward.fillGradient(a, n, 1f);
  }

  /** {@code Σ data}, whose gradient is ones. */
  @Override
  public double referenceLoss(NoParams p, Shape[] inShapes, double[][] in) {
    double s = 0;
    for (double v : in[0]) {
      s += v;
    }
    return s;
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return List.of(Sample.of(NoParams.NONE, Shape.of(2, 3)));
  }
}
