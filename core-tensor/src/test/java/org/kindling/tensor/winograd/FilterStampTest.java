package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.TensorView;

/**
 * With a stamp of the weights (an executor's calls), an inference call reuses the kept filter
 * transform without reading the weights while the stamp stays, and reads them again (and scans
 * them for NaN) under a new stamp.
 */
class FilterStampTest {
  @Test
  void theStampStandsForTheWeights() {
    ConvCase c = ConvCase.random(new Random(21), 1, 4, 5, 8, 8, 1, true);
    Kernel fallback = c.defaultKernel();
    WinogradKernel k = new WinogradKernel(Variant.F4, false, c.p(), c.sig(), fallback, 1);
    TensorView[] in = c.inputs();
    Shape y = c.sig().out(0);
    double[] first = forward(k, in, y, 7);

    // the same stamp: the engine guarantees unchanged weights, so the kept transform is used
    // (this write behind the engine's back is not seen)
    TensorView w = in[1];
    for (int i = 0; i < w.size(); i++) {
      w.floats().put(i, 2 * w.floats().get(i));
    }
    assertThat(forward(k, in, y, 7)).isEqualTo(first);

    // a new stamp: the new weights are read
    double[] doubled = forward(k, in, y, 8);
    assertThat(doubled).isNotEqualTo(first);
    assertThat(doubled).isEqualTo(forward(k, in, y, -1)); // no stamp: compared bytes, same result

    // a NaN weight under a new stamp is seen: the fallback (the default kernel) runs the call
    w.floats().put(3, Float.NaN);
    assertThat(forward(k, in, y, 9)).isEqualTo(forward(fallback, in, y, 9));
  }

  /** An inference forward with the weights' stamp {@code version} (-1: none). */
  private static double[] forward(Kernel k, TensorView[] in, Shape out, long version) {
    TensorView y = ConvCase.view(out, null);
    OpContext base = ConvCase.context(k, false);
    OpContext ctx = new OpContext(false, base.workspace(), Randoms.generator(1),
        new long[] {-1, version, -1});
    k.forward(ctx, in, new TensorView[] {y});
    return ConvCase.values(y);
  }
}
