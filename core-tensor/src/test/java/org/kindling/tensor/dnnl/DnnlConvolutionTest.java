package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.testing.SeededProperty;

/** oneDNN's 1-D, 2-D and 3-D convolutions give the default kernel's outputs and gradients. */
@ExtendWith(AccelAuto.class)
class DnnlConvolutionTest {
  /** A random convolution and the data shape it runs on. */
  record Case(Convolution.Params params, Shape data, long seed) {}

  @Test
  void matchesDefaultKernelOverRandomShapes() {
    int[] kernels = {1, 3, 5, 7};
    SeededProperty.check(24, r -> {
      int k = kernels[r.nextInt(kernels.length)];
      int kw = r.nextInt(4) == 0 ? kernels[r.nextInt(kernels.length)] : k;
      int groups = 1 + r.nextInt(3);
      int c = groups * (1 + r.nextInt(4));
      int f = groups * (1 + r.nextInt(5));
      int stride = 1 + r.nextInt(2);
      int dilate = 1 + (r.nextInt(4) == 0 ? 1 : 0);
      int pad = r.nextInt(k / 2 + 2);
      int h = (k - 1) * dilate + 1 + r.nextInt(9);
      int w = (kw - 1) * dilate + 1 + r.nextInt(9);
      Convolution.Params p = Convolution.Params.of(new int[] {k, kw}, f)
          .withStride(stride, stride).withDilate(dilate, dilate).withPad(pad, pad)
          .withNumGroup(groups).withNoBias(r.nextBoolean());
      return new Case(p, Shape.of(1 + r.nextInt(4), c, h, w), r.nextLong());
    }, c -> {
      KernelPair<Convolution.Params> pair = pair(c);
      pair.assertSameResults(new java.util.Random(c.seed()), 2e-5);
    });
  }

  @Test
  void inferenceRunsInTheForwardPlanAlone() {
    KernelPair<Convolution.Params> pair = new KernelPair<>(Convolution.OP,
        Convolution.Params.of(new int[] {3, 3}, 16).withPad(1, 1), Shape.of(4, 8, 10, 10));
    org.kindling.tensor.op.Kernel k = pair.kernel("dnnl");
    assertThat(k.forwardWorkspaceBytes()).as("the backward plan is not needed forward")
        .isPositive().isLessThan(k.workspaceBytes());
    java.util.Random r = new java.util.Random(8);
    org.kindling.tensor.op.TensorView[] in = {KernelPair.random(pair.sig.in(0), r),
        KernelPair.random(pair.sig.in(1), r), KernelPair.random(pair.sig.in(2), r)};
    org.kindling.tensor.op.TensorView[] a = {KernelPair.view(pair.sig.out(0))};
    org.kindling.tensor.op.TensorView[] b = {KernelPair.view(pair.sig.out(0))};
    k.forward(KernelPair.context(k, false), in, a);
    // a workspace of exactly the forward plan (a slot past it would throw)
    k.forward(new org.kindling.tensor.op.OpContext(false, java.nio.ByteBuffer.allocateDirect(
        (int) k.forwardWorkspaceBytes()).order(java.nio.ByteOrder.nativeOrder()), null), in, b);
    KernelPair.assertClose("forward", a[0], b[0], 0);
  }

  @Test
  void depthwiseAndLargeChannelCounts() {
    // depthwise (num_group == C) and a layer wide enough for oneDNN's blocked kernels
    new KernelPair<>(Convolution.OP, Convolution.Params.of(new int[] {3, 3}, 32)
        .withNumGroup(32).withPad(1, 1), Shape.of(2, 32, 9, 9))
        .assertSameResults(new java.util.Random(1), 2e-5);
    new KernelPair<>(Convolution.OP, Convolution.Params.of(new int[] {3, 3}, 64).withPad(1, 1)
        .withStride(2, 2), Shape.of(3, 48, 15, 15))
        .assertSameResults(new java.util.Random(2), 2e-5);
  }

  @Test
  void nanInTheDataReachesTheOutputsWhoseWindowsHoldIt() {
    KernelPair<Convolution.Params> pair = new KernelPair<>(Convolution.OP,
        Convolution.Params.of(new int[] {3, 3}, 2).withPad(1, 1), Shape.of(1, 1, 5, 5));
    java.util.Random r = new java.util.Random(5);
    org.kindling.tensor.op.TensorView[] in = {KernelPair.random(pair.sig.in(0), r),
        KernelPair.random(pair.sig.in(1), r), KernelPair.random(pair.sig.in(2), r)};
    in[0].floats().put(0, Float.NaN); // the corner: outputs (0,0), (0,1), (1,0), (1,1)
    for (String backend : new String[] {"cpu", "dnnl"}) {
      org.kindling.tensor.op.Kernel k = pair.kernel(backend);
      org.kindling.tensor.op.TensorView[] out = {KernelPair.view(pair.sig.out(0))};
      k.forward(KernelPair.context(k, false), in, out);
      int nan = 0;
      for (int i = 0; i < out[0].size(); i++) {
        nan += Float.isNaN(out[0].floats().get(i)) ? 1 : 0;
      }
      assertThat(Float.isNaN(out[0].floats().get(6))).as(backend + " output (1,1)").isTrue();
      assertThat(nan).as(backend + " NaN outputs: 4 per filter").isEqualTo(8);
    }
  }

  @Test
  void oneAndThreeDimensionalConvolutionsMatchOverRandomShapes() {
    SeededProperty.check(24, r -> {
      int nd = r.nextBoolean() ? 1 : 3;
      int groups = 1 + r.nextInt(2);
      int stride = 1 + r.nextInt(2);
      int dilate = 1 + (r.nextInt(4) == 0 ? 1 : 0);
      int[] k = new int[nd];
      int[] data = new int[nd + 2];
      data[0] = 1 + r.nextInt(3);
      data[1] = groups * (1 + r.nextInt(3));
      int pad = r.nextInt(2);
      for (int i = 0; i < nd; i++) {
        k[i] = 1 + r.nextInt(3);
        data[i + 2] = (k[i] - 1) * dilate + 1 + r.nextInt(nd == 1 ? 12 : 4);
      }
      Convolution.Params p = Convolution.Params.of(k, groups * (1 + r.nextInt(4)))
          .withStride(fill(nd, stride)).withDilate(fill(nd, dilate)).withPad(fill(nd, pad))
          .withNumGroup(groups).withNoBias(r.nextBoolean());
      return new Case(p, Shape.of(data), r.nextLong());
    }, c -> pair(c).assertSameResults(new java.util.Random(c.seed()), 2e-5));
  }

  @Test
  void emptyBatchFallsBack() {
    assertThat(new KernelPair<>(Convolution.OP, Convolution.Params.of(new int[] {3, 3}, 2),
        Shape.of(0, 2, 5, 5)).kernel("dnnl")).isNull();
  }

  /** {@code n} copies of {@code v}. */
  static int[] fill(int n, int v) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static KernelPair<Convolution.Params> pair(Case c) {
    return new KernelPair<>(Convolution.OP, c.params(), c.data());
  }
}
