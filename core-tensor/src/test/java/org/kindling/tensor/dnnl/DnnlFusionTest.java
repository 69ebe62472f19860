package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.Deconvolution;
import org.kindling.tensor.op.nn.FullyConnected;

/** Convolution, Deconvolution and FullyConnected + ReLU run as one oneDNN primitive (a post-op). */
@ExtendWith(AccelAuto.class)
class DnnlFusionTest {
  private static final OpInstance<Activation.Params> RELU =
      OpInstance.of(Activation.OP, new Activation.Params(Activation.ActType.RELU));
  private static final OpInstance<Activation.Params> TANH =
      OpInstance.of(Activation.OP, new Activation.Params(Activation.ActType.TANH));

  @Test
  void convolutionWithReluEqualsConvolutionThenActivation() {
    check(new KernelPair<>(Convolution.OP, Convolution.Params.of(new int[] {3, 3}, 16)
        .withPad(1, 1), Shape.of(2, 8, 10, 10)));
  }

  @Test
  void deconvolutionWithReluEqualsDeconvolutionThenActivation() {
    check(new KernelPair<>(Deconvolution.OP, Deconvolution.Params.of(new int[] {4, 4}, 8)
        .withStride(2, 2).withPad(1, 1).withNoBias(false), Shape.of(2, 12, 5, 5)));
  }

  @Test
  void fullyConnectedWithReluEqualsLayerThenActivation() {
    check(new KernelPair<>(FullyConnected.OP, FullyConnected.Params.of(24), Shape.of(5, 40)));
  }

  @Test
  void onlyReluFuses() {
    Kernel conv = new KernelPair<>(Convolution.OP, Convolution.Params.of(new int[] {3, 3}, 4),
        Shape.of(1, 2, 6, 6)).kernel("dnnl");
    assertThat(((EpilogueFusable) conv).fuse(TANH)).isNull();
    // a fused kernel fuses nothing more
    Kernel fused = ((EpilogueFusable) conv).fuse(RELU);
    assertThat(((EpilogueFusable) fused).fuse(RELU)).isNull();
  }

  private static <P extends Record> void check(KernelPair<P> pair) {
    Random r = new Random(7);
    Kernel cpu = pair.kernel("cpu");
    Kernel fused = ((EpilogueFusable) pair.kernel("dnnl")).fuse(RELU);
    assertThat(fused).isNotNull();
    Kernel relu = RELU.selectKernel(new org.kindling.tensor.op.KernelSignature(
        new Shape[] {pair.sig.out(0)}, pair.sig.outTypes(), new Shape[] {pair.sig.out(0)},
        pair.sig.outTypes()));
    TensorView[] in = new TensorView[pair.sig.inShapes().length];
    for (int i = 0; i < in.length; i++) {
      in[i] = KernelPair.random(pair.sig.in(i), r);
    }
    TensorView[] expected = {KernelPair.view(pair.sig.out(0))};
    cpu.forward(KernelPair.context(cpu, false), in, expected);
    relu.forward(KernelPair.context(relu, false), expected, expected);
    TensorView[] actual = {KernelPair.view(pair.sig.out(0))};
    fused.forward(KernelPair.context(fused, false), in, actual);
    KernelPair.assertClose("fused forward", expected[0], actual[0], 2e-5);
    int zeros = 0;
    for (int i = 0; i < actual[0].size(); i++) {
      float v = actual[0].floats().get(i);
      assertThat(Float.floatToRawIntBits(v)).as("no negative zeros").isNotEqualTo(0x80000000);
      zeros += v == 0f ? 1 : 0;
    }
    assertThat(zeros).as("the ReLU cut some outputs").isPositive();
  }
}
