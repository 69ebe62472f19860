package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code smooth_l1} (alias _npx_smooth_l1): the smooth L1 loss of each element with sigma =
 * {@code scalar}: {@code 0.5 (sigma x)^2} where {@code |x| <= 1/sigma^2}, else
 * {@code |x| - 0.5/sigma^2}; gradient {@code dy sigma^2 x} inside, {@code dy sign(x)} outside.
 * Parameters as the scalar operators ({@code scalar} default 1, {@code is_int}); unlike them the
 * output always has the input's type ({@code ElemwiseType<1, 1>}).
 */
@AutoService(OpDef.class)
public final class SmoothL1 extends ScalarBinary {
  /** The operator. */
  public static final SmoothL1 OP = new SmoothL1();

  /** For the service loader; use {@link #OP}. */
  public SmoothL1() {
    super("smooth_l1", List.of("_npx_smooth_l1"), BinaryFn.SMOOTH_L1, false, List.of(
        Sample.of(ScalarParams.of(1), Shape.of(3, 4)),
        Sample.of(ScalarParams.of(2), Shape.of(3, 4)),
        Sample.of(ScalarParams.of(0.5), Shape.of(2, 5)),
        Sample.of(ScalarParams.of(1), Shape.of(5000)).noGradientCheck()));
  }

  @Override
  public void inferType(ScalarParams p, TypeSlots t) {
    t.allSame();
  }
}
