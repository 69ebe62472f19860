package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.Deconvolution;
import org.kindling.tensor.op.nn.FullyConnected;

/**
 * A weighted layer whose workspace passes {@link WorkspaceBound} (lowered here) runs in
 * sub-batches with the unsplit kernel's results, or is declined where one sample does not fit.
 */
@ExtendWith(AccelAuto.class)
class DnnlSubBatchTest {
  @AfterEach
  void restoreBound() {
    System.clearProperty(WorkspaceBound.PROPERTY);
  }

  @Test
  void splitConvolutionEqualsTheUnsplitKernel() {
    KernelPair<Convolution.Params> pair = new KernelPair<>(Convolution.OP,
        Convolution.Params.of(new int[] {3, 3}, 16).withPad(1, 1), Shape.of(7, 8, 12, 12));
    Kernel whole = pair.kernel("dnnl");
    assertThat(whole).isInstanceOf(WeightedKernel.class);
    System.setProperty(WorkspaceBound.PROPERTY, Long.toString(whole.workspaceBytes() / 3));
    Kernel split = pair.kernel("dnnl");
    assertThat(split).isInstanceOf(SubBatchKernel.class);
    int size = ((SubBatchKernel) split).subBatch();
    assertThat(size).as("sub-batch of 7 leaving a remainder").isBetween(1, 6);
    assertThat(split.workspaceBytes()).isLessThanOrEqualTo(whole.workspaceBytes() / 3);

    Random r = new Random(3);
    TensorView[] in = {KernelPair.random(pair.sig.in(0), r), KernelPair.random(pair.sig.in(1), r),
        KernelPair.random(pair.sig.in(2), r)};
    for (boolean train : new boolean[] {false, true}) {
      TensorView[] a = {KernelPair.view(pair.sig.out(0))};
      TensorView[] b = {KernelPair.view(pair.sig.out(0))};
      whole.forward(KernelPair.context(whole, train), in, a);
      split.forward(KernelPair.context(split, train), in, b);
      // every sample is computed alone either way: the same float operations
      KernelPair.assertClose("forward (train=" + train + ")", a[0], b[0], 1e-6);
    }
    TensorView[] out = {KernelPair.view(pair.sig.out(0))};
    whole.forward(KernelPair.context(whole, true), in, out);
    TensorView[] heads = {KernelPair.random(pair.sig.out(0), r)};
    for (GradReq req : new GradReq[] {GradReq.WRITE, GradReq.ADD}) {
      TensorView[] ga = new TensorView[3];
      TensorView[] gb = new TensorView[3];
      for (int i = 0; i < 3; i++) {
        ga[i] = KernelPair.random(pair.sig.in(i), r);
        gb[i] = KernelPair.copy(ga[i]);
      }
      GradReq[] reqs = {req, req, req};
      whole.backward(KernelPair.context(whole, true),
          new BackwardArgs(heads, in, out, ga, reqs.clone()));
      split.backward(KernelPair.context(split, true),
          new BackwardArgs(heads, in, out, gb, reqs.clone()));
      for (int i = 0; i < 3; i++) {
        // weight and bias gradients sum the sub-batches in another order than one pass
        KernelPair.assertClose("gradient of input " + i + " (" + req + ")", ga[i], gb[i], 1e-5);
      }
    }
  }

  @Test
  void splitLayersMatchTheDefaultKernel() {
    split(Convolution.OP, Convolution.Params.of(new int[] {3, 3}, 4).withPad(1, 1),
        Shape.of(5, 3, 6, 6)).assertSameResults(new Random(4), 2e-5);
    split(Deconvolution.OP, Deconvolution.Params.of(new int[] {3, 3}, 4).withStride(2, 2),
        Shape.of(5, 3, 5, 5)).assertSameResults(new Random(5), 2e-5);
    split(FullyConnected.OP, FullyConnected.Params.of(40), Shape.of(9, 3, 4, 5))
        .assertSameResults(new Random(6), 2e-5);
  }

  /**
   * The layer on {@code data}, with the bound set midway between the workspace of one sample
   * and the batch's, so that its oneDNN kernel runs in sub-batches.
   */
  private static <P extends Record> KernelPair<P> split(OpDef<P> op, P params, Shape data) {
    System.clearProperty(WorkspaceBound.PROPERTY);
    int[] one = data.dims();
    one[0] = 1;
    long sample = new KernelPair<>(op, params, Shape.of(one)).kernel("dnnl").workspaceBytes();
    KernelPair<P> pair = new KernelPair<>(op, params, data);
    long whole = pair.kernel("dnnl").workspaceBytes();
    assertThat(whole).as("workspace grows with the batch").isGreaterThan(sample);
    System.setProperty(WorkspaceBound.PROPERTY, Long.toString((sample + whole) / 2));
    assertThat(pair.kernel("dnnl")).as(params + " on " + pair.sig)
        .isInstanceOf(SubBatchKernel.class);
    return pair;
  }

  @Test
  void aLayerThatDoesNotFitOneSampleAtATimeIsDeclined() {
    System.setProperty(WorkspaceBound.PROPERTY, "64");
    KernelPair<Convolution.Params> pair = new KernelPair<>(Convolution.OP,
        Convolution.Params.of(new int[] {3, 3}, 16).withPad(1, 1), Shape.of(4, 8, 12, 12));
    assertThat(pair.kernel("dnnl")).as("auto: the default kernel runs it").isNull();
    assertThat(pair.selected()).isNotNull().isNotInstanceOf(WeightedKernel.class)
        .isNotInstanceOf(SubBatchKernel.class);
  }
}
