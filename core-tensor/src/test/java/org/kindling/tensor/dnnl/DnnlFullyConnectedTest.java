package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.testing.SeededProperty;

/** oneDNN's inner product gives the default FullyConnected kernel's outputs and gradients. */
@ExtendWith(AccelAuto.class)
class DnnlFullyConnectedTest {
  /** A random layer and the data shape it runs on. */
  record Case(FullyConnected.Params params, Shape data, long seed) {}

  @Test
  void matchesDefaultKernelOverRandomShapes() {
    SeededProperty.check(20, r -> {
      FullyConnected.Params p = FullyConnected.Params.of(1 + r.nextInt(40))
          .withNoBias(r.nextBoolean()).withFlatten(r.nextBoolean());
      Shape d = r.nextBoolean() ? Shape.of(1 + r.nextInt(9), 1 + r.nextInt(70))
          : Shape.of(1 + r.nextInt(5), 1 + r.nextInt(4), 1 + r.nextInt(12));
      return new Case(p, d, r.nextLong());
    }, c -> new KernelPair<>(FullyConnected.OP, c.params(), c.data())
        .assertSameResults(new Random(c.seed()), 2e-5));
  }

  @Test
  void columnBiasHasTheSameBytes() {
    new KernelPair<>(FullyConnected.OP, FullyConnected.Params.of(3), Shape.of(4, 2),
        Shape.of(3, 2), Shape.of(3, 1)).assertSameResults(new Random(3), 2e-5);
  }

  @Test
  void emptyBatchFallsBack() {
    assertThat(new KernelPair<>(FullyConnected.OP, FullyConnected.Params.of(3),
        Shape.of(0, 5)).kernel("dnnl")).isNull();
  }
}
