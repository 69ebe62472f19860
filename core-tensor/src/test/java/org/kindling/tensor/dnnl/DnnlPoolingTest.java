package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.Pooling;
import org.kindling.tensor.op.nn.Pooling.PoolLayout;
import org.kindling.tensor.op.nn.Pooling.PoolType;
import org.kindling.tensor.op.nn.Pooling.PoolingConvention;
import org.kindling.testing.SeededProperty;

/**
 * oneDNN's 1-D, 2-D and 3-D max and avg pooling give the default kernel's outputs and
 * gradients.
 */
@ExtendWith(AccelAuto.class)
class DnnlPoolingTest {
  /** A random pooling and the data shape it runs on. */
  record Case(Pooling.Params params, Shape data, long seed) {}

  @Test
  void matchesDefaultKernelWhereOneDnnRunsIt() {
    int[] ran = {0};
    SeededProperty.check(40, r -> {
      int k = 1 + r.nextInt(4);
      int s = 1 + r.nextInt(3);
      int pad = r.nextInt(k);
      Pooling.Params p = Pooling.Params.of(r.nextBoolean() ? PoolType.MAX : PoolType.AVG, k, k)
          .withStride(s, s).withPad(pad, pad)
          .withConvention(r.nextBoolean() ? PoolingConvention.VALID : PoolingConvention.FULL)
          .withCountIncludePad(r.nextInt(3) == 0 ? null : r.nextBoolean())
          .withGlobalPool(r.nextInt(6) == 0);
      Shape d = Shape.of(1 + r.nextInt(3), 1 + r.nextInt(17), k + r.nextInt(9), k + r.nextInt(9));
      return new Case(p, d, r.nextLong());
    }, c -> ran[0] += checkWhereOneDnnRuns(c));
    assertThat(ran[0]).as("cases oneDNN ran").isGreaterThan(25);
  }

  @Test
  void oneAndThreeDimensionalPoolingsMatchWhereOneDnnRunsThem() {
    int[] ran = {0};
    SeededProperty.check(40, r -> {
      int nd = r.nextBoolean() ? 1 : 3;
      int[] k = new int[nd];
      int[] s = new int[nd];
      int[] pad = new int[nd];
      int[] data = new int[nd + 2];
      data[0] = 1 + r.nextInt(3);
      data[1] = 1 + r.nextInt(9);
      for (int i = 0; i < nd; i++) {
        k[i] = 1 + r.nextInt(3);
        s[i] = 1 + r.nextInt(2);
        pad[i] = r.nextInt(k[i]);
        data[i + 2] = k[i] + r.nextInt(nd == 1 ? 12 : 4);
      }
      boolean channelFirst = r.nextBoolean(); // given, or implied by the kernel
      Pooling.Params p = Pooling.Params.of(r.nextBoolean() ? PoolType.MAX : PoolType.AVG, k)
          .withStride(s).withPad(pad)
          .withConvention(r.nextBoolean() ? PoolingConvention.VALID : PoolingConvention.FULL)
          .withCountIncludePad(r.nextInt(3) == 0 ? null : r.nextBoolean())
          .withLayout(channelFirst ? (nd == 1 ? PoolLayout.NCW : PoolLayout.NCDHW) : null)
          .withGlobalPool(r.nextInt(6) == 0);
      return new Case(p, Shape.of(data), r.nextLong());
    }, c -> ran[0] += checkWhereOneDnnRuns(c));
    assertThat(ran[0]).as("cases oneDNN ran").isGreaterThan(25);
  }

  @Test
  void resNetAndVggPoolingsRunOnOneDnn() {
    new KernelPair<>(Pooling.OP, Pooling.Params.of(PoolType.MAX, 3, 3).withStride(2, 2)
        .withPad(1, 1), Shape.of(2, 64, 28, 28)).assertSameResults(new Random(4), 1e-5);
    new KernelPair<>(Pooling.OP, Pooling.Params.of(PoolType.MAX, 2, 2).withStride(2, 2),
        Shape.of(2, 32, 14, 14)).assertSameResults(new Random(5), 1e-5);
    new KernelPair<>(Pooling.OP, Pooling.Params.global(PoolType.AVG), Shape.of(2, 96, 7, 7))
        .assertSameResults(new Random(6), 1e-5);
  }

  @Test
  void fallbackBranches() {
    // sum and lp pooling
    assertThat(dnnl(Pooling.Params.of(PoolType.SUM, 2, 2), Shape.of(1, 2, 6, 6))).isNull();
    assertThat(dnnl(Pooling.Params.of(PoolType.LP, 2, 2).withPValue(2), Shape.of(1, 2, 6, 6)))
        .isNull();
    // channel-last layouts
    assertThat(dnnl(Pooling.Params.of(PoolType.MAX, 2).withLayout(PoolLayout.NWC),
        Shape.of(1, 6, 2))).isNull();
    assertThat(dnnl(Pooling.Params.of(PoolType.MAX, 2, 2).withLayout(PoolLayout.NHWC),
        Shape.of(1, 6, 6, 2))).isNull();
    assertThat(dnnl(Pooling.Params.of(PoolType.MAX, 2, 2, 2).withLayout(PoolLayout.NDHWC),
        Shape.of(1, 4, 4, 4, 2))).isNull();
    // pooling_convention 'same' (MXNet's is 1-D only)
    assertThat(dnnl(Pooling.Params.of(PoolType.MAX, 3).withStride(2)
        .withConvention(PoolingConvention.SAME), Shape.of(1, 2, 7))).isNull();
    // an empty batch
    assertThat(dnnl(Pooling.Params.of(PoolType.MAX, 2, 2), Shape.of(0, 2, 6, 6))).isNull();
    // avg with count_include_pad whose 'full' last window overhangs the padded input
    Pooling.Params overhang = Pooling.Params.of(PoolType.AVG, 3, 3).withStride(2, 2)
        .withConvention(PoolingConvention.FULL);
    assertThat(dnnl(overhang, Shape.of(1, 2, 6, 6))).isNull();
    // ... which without count_include_pad oneDNN runs
    assertThat(dnnl(overhang.withCountIncludePad(false), Shape.of(1, 2, 6, 6))).isNotNull();
    // a 'full' window wholly in the padding (starts -1, 2, 5 on 4 columns)
    assertThat(dnnl(Pooling.Params.of(PoolType.MAX, 2, 2).withStride(3, 3).withPad(1, 1)
        .withConvention(PoolingConvention.FULL), Shape.of(1, 1, 4, 4))).isNull();
  }

  /**
   * Compares the backends on {@code c} where oneDNN runs it, else checks it declines.
   *
   * @return 1 if oneDNN ran the case, else 0
   */
  private static int checkWhereOneDnnRuns(Case c) {
    KernelPair<Pooling.Params> pair = new KernelPair<>(Pooling.OP, c.params(), c.data());
    if (new DnnlPooling().unsupported(c.params(), pair.sig) != null) {
      assertThat(pair.kernel("dnnl")).isNull();
      return 0;
    }
    pair.assertSameResults(new Random(c.seed()), 1e-5);
    return 1;
  }

  private static Object dnnl(Pooling.Params p, Shape d) {
    return new KernelPair<>(Pooling.OP, p, d).kernel("dnnl");
  }
}
