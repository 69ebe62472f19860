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

/**
 * Convolution, Deconvolution and FullyConnected + Activation relu, tanh or sigmoid run as one
 * oneDNN primitive (a post-op).
 */
@ExtendWith(AccelAuto.class)
class DnnlFusionTest {
  private static final OpInstance<Activation.Params> RELU =
      OpInstance.of(Activation.OP, new Activation.Params(Activation.ActType.RELU));
  private static final OpInstance<Activation.Params> SOFTRELU =
      OpInstance.of(Activation.OP, new Activation.Params(Activation.ActType.SOFTRELU));
  private static final Activation.ActType[] FUSED =
      {Activation.ActType.RELU, Activation.ActType.TANH, Activation.ActType.SIGMOID};

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

  /** Batch 1's fused classifier layer runs the gemm:jit inner product too (decision 0057). */
  @Test
  void fullyConnectedAtBatchOneWithReluRunsGemmInnerProduct() {
    KernelPair<FullyConnected.Params> pair =
        new KernelPair<>(FullyConnected.OP, FullyConnected.Params.of(24), Shape.of(1, 40));
    assertThat(((EpilogueFusable) pair.kernel("dnnl")).fuse(RELU).implementation())
        .startsWith("oneDNN x64:" + DnnlFullyConnected.GEMV_IMPL);
    check(pair);
  }

  @Test
  void onlyReluTanhAndSigmoidFuse() {
    Kernel conv = new KernelPair<>(Convolution.OP, Convolution.Params.of(new int[] {3, 3}, 4),
        Shape.of(1, 2, 6, 6)).kernel("dnnl");
    assertThat(((EpilogueFusable) conv).fuse(SOFTRELU)).isNull();
    // a fused kernel fuses nothing more
    Kernel fused = ((EpilogueFusable) conv).fuse(RELU);
    assertThat(((EpilogueFusable) fused).fuse(RELU)).isNull();
  }

  /** Each fusable activation: the fused forward equals the default layer, then the activation. */
  private static <P extends Record> void check(KernelPair<P> pair) {
    for (Activation.ActType type : FUSED) {
      check(pair, OpInstance.of(Activation.OP, new Activation.Params(type)));
    }
  }

  private static <P extends Record> void check(KernelPair<P> pair,
      OpInstance<Activation.Params> act) {
    Random r = new Random(7);
    Kernel cpu = pair.kernel("cpu");
    Kernel fused = ((EpilogueFusable) pair.kernel("dnnl")).fuse(act);
    assertThat(fused).as(act.params().toString()).isNotNull();
    Kernel activation = act.selectKernel(new org.kindling.tensor.op.KernelSignature(
        new Shape[] {pair.sig.out(0)}, pair.sig.outTypes(), new Shape[] {pair.sig.out(0)},
        pair.sig.outTypes()));
    TensorView[] in = new TensorView[pair.sig.inShapes().length];
    for (int i = 0; i < in.length; i++) {
      in[i] = KernelPair.random(pair.sig.in(i), r);
    }
    TensorView[] expected = {KernelPair.view(pair.sig.out(0))};
    cpu.forward(KernelPair.context(cpu, false), in, expected);
    TensorView[] before = {KernelPair.view(pair.sig.out(0))};
    before[0].floats().put(expected[0].floats().duplicate());
    activation.forward(KernelPair.context(activation, false), expected, expected);
    TensorView[] actual = {KernelPair.view(pair.sig.out(0))};
    fused.forward(KernelPair.context(fused, false), in, actual);
    String what = "fused forward with " + act.params();
    KernelPair.assertClose(what, expected[0], actual[0], 2e-5);
    int changed = 0;
    for (int i = 0; i < actual[0].size(); i++) {
      float v = actual[0].floats().get(i);
      if (act.params().actType() == Activation.ActType.RELU) {
        assertThat(Float.floatToRawIntBits(v)).as("no negative zeros").isNotEqualTo(0x80000000);
      }
      changed += Math.abs(v - before[0].floats().get(i)) > 1e-3f ? 1 : 0;
    }
    assertThat(changed).as(what + ": the activation changed some outputs").isPositive();
  }
}
