package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.LRN;
import org.kindling.testing.SeededProperty;

/**
 * oneDNN's LRN gives the default kernel's output, the same hidden {@code tmp_norm} bit for bit in
 * training, and the default kernel's gradients (also after an inference pass).
 */
@ExtendWith(AccelAuto.class)
class DnnlLrnTest {
  /** Random constants, window and data shape. */
  record Case(LRN.Params params, Shape data, long seed) {}

  @Test
  void matchesDefaultKernel() {
    int[] ran = {0};
    SeededProperty.check(30, r -> {
      // constants large enough that the window's neighbours change the output visibly
      var p = new LRN.Params(0.01f + 2f * r.nextFloat(), 0.25f + r.nextFloat(),
          0.5f + 2f * r.nextFloat(), 1 + 2 * r.nextInt(4));
      Shape d = Shape.of(1 + r.nextInt(3), 1 + r.nextInt(12), 1 + r.nextInt(9),
          1 + r.nextInt(9));
      return new Case(p, d, r.nextLong());
    }, c -> {
      KernelPair<LRN.Params> pair = new KernelPair<>(LRN.OP, c.params(), c.data());
      pair.assertSameResults(new Random(c.seed()), 2e-6);
      assertSameNormalizers(pair, new Random(c.seed() + 1));
      ran[0]++;
    });
    assertThat(ran[0]).isEqualTo(30);
  }

  @Test
  void alexNetsFirstLrnRunsOnOneDnn() {
    // alexnet.py's constants on conv1's output (batch 2)
    KernelPair<LRN.Params> pair = new KernelPair<>(LRN.OP, new LRN.Params(1e-4f, 0.75f, 2f, 5),
        Shape.of(2, 96, 55, 55));
    assertThat(pair.selected().implementation()).startsWith("oneDNN ");
    pair.assertSameResults(new Random(5), 2e-6);
    assertSameNormalizers(pair, new Random(6));
  }

  @Test
  void anEmptyBatchStaysOnTheDefaultKernel() {
    assertThat(new KernelPair<>(LRN.OP, LRN.Params.of(3), Shape.of(0, 4, 2, 2)).kernel("dnnl"))
        .isNull();
  }

  /**
   * A training pass writes the default kernel's {@code tmp_norm} bit for bit; the gradient after
   * an inference pass, which leaves {@code tmp_norm} as it was (NaN here), is the default
   * kernel's after a training pass.
   */
  private static void assertSameNormalizers(KernelPair<LRN.Params> pair, Random r) {
    Kernel cpu = pair.kernel("cpu");
    Kernel dnnl = pair.kernel("dnnl");
    TensorView[] in = {KernelPair.random(pair.sig.in(0), r)};
    TensorView[] a = outputs(pair);
    TensorView[] b = outputs(pair);
    cpu.forward(KernelPair.context(cpu, true), in, a);
    dnnl.forward(KernelPair.context(dnnl, true), in, b);
    KernelPair.assertClose("tmp_norm", a[1], b[1], 0);

    TensorView[] stale = outputs(pair);
    for (int i = 0; i < stale[1].size(); i++) {
      stale[1].floats().put(i, Float.NaN);
    }
    dnnl.forward(KernelPair.context(dnnl, false), in, stale);
    assertThat(stale[1].floats().get(0)).isNaN(); // inference leaves tmp_norm unwritten
    TensorView[] heads = {KernelPair.random(pair.sig.out(0), r)};
    TensorView[] ga = {KernelPair.view(pair.sig.in(0))};
    TensorView[] gb = {KernelPair.view(pair.sig.in(0))};
    GradReq[] write = {GradReq.WRITE};
    cpu.backward(KernelPair.context(cpu, true), new BackwardArgs(heads, in, a, ga, write));
    dnnl.backward(KernelPair.context(dnnl, true), new BackwardArgs(heads, in, stale, gb, write));
    KernelPair.assertClose("gradient after an inference pass", ga[0], gb[0], 0);
  }

  private static TensorView[] outputs(KernelPair<LRN.Params> pair) {
    return new TensorView[] {KernelPair.view(pair.sig.out(0)), KernelPair.view(pair.sig.out(1))};
  }
}
