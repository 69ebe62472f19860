package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kindling.tensor.dnnl.DnnlConvolutionTest.fill;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.Deconvolution;
import org.kindling.testing.SeededProperty;

/**
 * oneDNN's 1-D, 2-D and 3-D deconvolutions give the default kernel's outputs and gradients,
 * with MXNet's pad, adj, target_shape, groups and weight layout.
 */
@ExtendWith(AccelAuto.class)
class DnnlDeconvolutionTest {
  /** A random deconvolution and the data shape it runs on. */
  record Case(Deconvolution.Params params, Shape data, long seed) {}

  @Test
  void matchesDefaultKernelOverRandomShapes() {
    SeededProperty.check(40, r -> {
      int nd = 1 + r.nextInt(3);
      int groups = 1 + r.nextInt(3);
      int stride = 1 + r.nextInt(3);
      int dilate = nd < 3 && r.nextInt(4) == 0 ? 2 : 1; // MXNet refuses a dilated 3-D one
      int[] k = new int[nd];
      int[] pad = new int[nd];
      int[] data = new int[nd + 2];
      data[0] = 1 + r.nextInt(3);
      data[1] = groups * (1 + r.nextInt(4));
      for (int i = 0; i < nd; i++) {
        k[i] = 1 + r.nextInt(nd == 3 ? 3 : 5);
        data[i + 2] = 1 + r.nextInt(nd == 3 ? 3 : 7);
        pad[i] = r.nextInt((k[i] - 1) * dilate / 2 + 1); // keeps the output non-empty
      }
      int adj = r.nextInt(stride);
      Deconvolution.Params p = Deconvolution.Params.of(k, groups * (1 + r.nextInt(4)))
          .withStride(fill(nd, stride)).withDilate(fill(nd, dilate)).withPad(pad)
          .withAdj(fill(nd, adj)).withNumGroup(groups).withNoBias(r.nextBoolean());
      if (r.nextInt(4) == 0) {
        // a target 0 or (with a stride, where adj 1 is allowed) 1 below the full extent
        int[] target = new int[nd];
        for (int i = 0; i < nd; i++) {
          target[i] = stride * (data[i + 2] - 1) + dilate * (k[i] - 1) + 1
              - (stride > 1 ? r.nextInt(2) : 0);
        }
        p = p.withTargetShape(target).withPad().withAdj();
      }
      return new Case(p, Shape.of(data), r.nextLong());
    }, c -> new KernelPair<>(Deconvolution.OP, c.params(), c.data())
        .assertSameResults(new Random(c.seed()), 2e-5));
  }

  @Test
  void stridedUpsamplingLayersOfAnFcnRunOnOneDnn() {
    // 2x upsampling as in FCN/DCGAN: kernel 4, stride 2, pad 1, with bias and wide channels
    new KernelPair<>(Deconvolution.OP, Deconvolution.Params.of(new int[] {4, 4}, 32)
        .withStride(2, 2).withPad(1, 1).withNoBias(false), Shape.of(2, 64, 7, 7))
        .assertSameResults(new Random(3), 2e-5);
    // target_shape with odd extents: pad 1 and adj 1 derived from it
    new KernelPair<>(Deconvolution.OP, Deconvolution.Params.of(new int[] {3, 3}, 16)
        .withStride(2, 2).withTargetShape(10, 10), Shape.of(2, 24, 5, 5))
        .assertSameResults(new Random(4), 2e-5);
    // depthwise
    new KernelPair<>(Deconvolution.OP, Deconvolution.Params.of(new int[] {2, 2}, 16)
        .withStride(2, 2).withNumGroup(16), Shape.of(2, 16, 6, 6))
        .assertSameResults(new Random(5), 2e-5);
  }

  @Test
  void adjBeyondThePaddingRuns() {
    // stride 2, pad 0, adj 1: oneDNN's right padding is -1, the last output row and column
    // receive only the bias
    KernelPair<Deconvolution.Params> pair = new KernelPair<>(Deconvolution.OP,
        Deconvolution.Params.of(new int[] {3, 3}, 2).withStride(2, 2).withAdj(1, 1)
            .withNoBias(false), Shape.of(1, 2, 4, 4));
    assertThat(pair.sig.out(0)).isEqualTo(Shape.of(1, 2, 10, 10));
    pair.assertSameResults(new Random(6), 2e-5);
  }

  @Test
  void emptyBatchFallsBack() {
    assertThat(new KernelPair<>(Deconvolution.OP, Deconvolution.Params.of(new int[] {3, 3}, 2),
        Shape.of(0, 2, 5, 5)).kernel("dnnl")).isNull();
  }
}
