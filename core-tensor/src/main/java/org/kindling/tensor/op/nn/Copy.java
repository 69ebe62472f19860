package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code _copy} (alias {@code identity}): returns a copy of the data; the gradient passes
 * through unchanged ({@code dx = dy}). The output may share the input's buffer
 * ({@link #inplaceIdentity}), as MXNet's {@code FInplaceIdentity} allows.
 */
@AutoService(OpDef.class)
public final class Copy extends IdentityForward<NoParams> {
  /** The operator. */
  public static final Copy OP = new Copy();

  /** For the service loader; use {@link #OP}. */
  public Copy() {
    super("_copy", List.of("identity"), NoParams.class, List.of());
  }

  @Override
  public boolean inplaceIdentity(NoParams p) {
    return true;
  }

  @Override
  public List<int[]> backwardInplaceOptions(NoParams p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public BackwardDeps backwardDeps(NoParams p) {
    return BackwardDeps.gradientsOnly();
  }

  @Override
  void inputGradient(NoParams p, int n, BackwardArgs a) {
    FloatBuffer dy = a.outGrad()[0].floats();
    FloatBuffer dx = a.inGrad()[0].floats();
    boolean add = a.adds(0);
    for (int i = 0; i < n; i++) {
      dx.put(i, add ? dx.get(i) + dy.get(i) : dy.get(i));
    }
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return List.of(Sample.of(NoParams.NONE, Shape.of(3, 4)), Sample.of(NoParams.NONE,
        Shape.of(7)));
  }
}
