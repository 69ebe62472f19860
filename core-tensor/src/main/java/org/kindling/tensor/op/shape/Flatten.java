package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;

/**
 * {@code Flatten} (alias {@code flatten}): {@code (N, d1, d2, ...) -> (N, d1·d2·...)}; a 1-D
 * input {@code (N,)} becomes {@code (N, 1)}. The data is unchanged.
 */
@AutoService(OpDef.class)
public final class Flatten extends ReshapeLike<NoParams> {
  /** The operator. */
  public static final Flatten OP = new Flatten();

  /** For the service loader; use {@link #OP}. */
  public Flatten() {
    super("Flatten", List.of("flatten", "_npx_batch_flatten"), NoParams.class, List.of());
  }

  @Override
  public void inferShape(NoParams p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    if (d.ndim() == 0) {
      throw new IllegalArgumentException("cannot flatten a 0-dimensional input");
    }
    s.assignOut(0, Shape.of(d.get(0), (int) d.sizeFrom(1)));
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return List.of(Sample.of(NoParams.NONE, Shape.of(2, 3, 4)), Sample.of(NoParams.NONE,
        Shape.of(5)));
  }
}
