package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.testing.SeededProperty;

/** oneDNN's relu, sigmoid and tanh give the default kernel's outputs and gradients. */
@ExtendWith(AccelAuto.class)
class DnnlActivationTest {
  /** A random activation and the data shape it runs on. */
  record Case(ActType type, Shape data, long seed) {}

  @Test
  void matchesDefaultKernelWhereOneDnnRunsIt() {
    int[] ran = {0};
    SeededProperty.check(30, r -> {
      ActType[] types = {ActType.RELU, ActType.SIGMOID, ActType.TANH};
      int rank = 1 + r.nextInt(4);
      int[] dims = new int[rank];
      for (int i = 0; i < rank; i++) {
        dims[i] = 1 + r.nextInt(i == rank - 1 ? 40 : 6);
      }
      return new Case(types[r.nextInt(types.length)], Shape.of(dims), r.nextLong());
    }, c -> {
      // writes and adds, in place of nothing: the gradient's add goes to the default kernel
      new KernelPair<>(Activation.OP, new Activation.Params(c.type()), c.data())
          .assertSameResults(new Random(c.seed()), 2e-6);
      ran[0]++;
    });
    assertThat(ran[0]).isEqualTo(30);
  }

  @Test
  void leNetsTanhLayerRunsOnOneDnn() {
    new KernelPair<>(Activation.OP, new Activation.Params(ActType.TANH), Shape.of(8, 20, 24, 24))
        .assertSameResults(new Random(3), 2e-6);
  }

  @Test
  void softReluAndSoftSignStayOnTheDefaultKernel() {
    for (ActType t : new ActType[] {ActType.SOFTRELU, ActType.SOFTSIGN}) {
      assertThat(new KernelPair<>(Activation.OP, new Activation.Params(t), Shape.of(3, 4))
          .kernel("dnnl")).as(t.toString()).isNull();
    }
    // an empty tensor too
    assertThat(new KernelPair<>(Activation.OP, new Activation.Params(ActType.TANH),
        Shape.of(0, 4)).kernel("dnnl")).isNull();
  }
}
