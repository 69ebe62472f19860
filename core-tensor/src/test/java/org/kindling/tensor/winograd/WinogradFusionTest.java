package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.EpilogueFusable;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.nn.Activation;

/**
 * A relu after a Winograd convolution runs inside its output transform: the same bits as the
 * convolution followed by MXNet's relu, the fallback's fused kernel for the passes Winograd
 * leaves, and the unfused kernel's gradients.
 */
class WinogradFusionTest {
  private static final OpInstance<Activation.Params> RELU =
      OpInstance.of(Activation.OP, new Activation.Params(Activation.ActType.RELU));
  private static final OpInstance<Activation.Params> TANH =
      OpInstance.of(Activation.OP, new Activation.Params(Activation.ActType.TANH));

  @Test
  void fusedReluEqualsConvolutionThenRelu() {
    for (Variant v : Variant.values()) {
      for (boolean bias : new boolean[] {true, false}) {
        // 2 images of 3 tile rows, shared among 2 workers
        ConvCase c = ConvCase.random(new Random(11), 2, 5, 7, 13, 11, 1, bias);
        WinogradKernel k = inferenceKernel(c, v);
        Kernel fused = k.fuse(RELU);
        assertThat(fused).as("%s bias=%s", v, bias).isNotNull();
        double[] plain = c.forward(k, false);
        double[] got = c.forward(fused, false);
        int zeros = 0;
        for (int i = 0; i < plain.length; i++) {
          double want = Math.max(plain[i], 0.0);
          assertThat(got[i]).as("%s bias=%s element %d", v, bias, i).isEqualTo(want);
          assertThat(Double.doubleToRawLongBits(got[i])).isNotEqualTo(Long.MIN_VALUE); // no -0
          zeros += got[i] == 0 ? 1 : 0;
        }
        assertThat(zeros).as("the relu cut some outputs").isPositive();
      }
    }
  }

  /**
   * A NaN in the data makes the pass the fallback's, whose fused relu (oneDNN's post-op) gives
   * 0 for NaN; the fused kernel still keeps NaN where the convolution gives it, as the relu of
   * MXNet's own CPU kernels does (mshadow's relu; MXNet's MKL-DNN Activation gives 0, docs/accel.md).
   */
  @Test
  void fusedReluKeepsNaNWhereTheFallbackRuns() {
    ConvCase c = ConvCase.random(new Random(14), 2, 4, 5, 9, 9, 1, true);
    double[][] in = {c.in()[0].clone(), c.in()[1], c.in()[2]};
    in[0][40] = Double.NaN;
    in[0][200] = Double.POSITIVE_INFINITY;
    ConvCase bad = new ConvCase(c.p(), c.sig(), in);
    // the unfused fallback: the fused one runs the same primitive with a post-op
    double[] conv = bad.forward(WinogradKernels.fallbackKernel(c.p(), c.sig()), false);
    int nans = 0;
    for (double v : conv) {
      nans += Double.isNaN(v) ? 1 : 0;
    }
    assertThat(nans).as("the NaN and the Inf times weights of both signs").isPositive();
    double[] want = new double[conv.length];
    for (int i = 0; i < conv.length; i++) {
      want[i] = Double.isNaN(conv[i]) ? conv[i] : Math.max(conv[i], 0.0);
    }
    for (Variant v : Variant.values()) {
      Kernel fused = inferenceKernel(bad, v).fuse(RELU);
      assertThat(bad.forward(fused, false)).as("%s", v).isEqualTo(want);
    }
  }

  @Test
  void trainingPassesRunTheFallbacksFusedKernel() {
    ConvCase c = ConvCase.random(new Random(12), 2, 4, 6, 9, 9, 1, true);
    WinogradKernel k = inferenceKernel(c, Variant.F4);
    Kernel fused = k.fuse(RELU);
    Kernel fallbackFused = ((EpilogueFusable) WinogradKernels.fallbackKernel(c.p(), c.sig()))
        .fuse(RELU);
    assertThat(c.forward(fused, true)).isEqualTo(c.forward(fallbackFused, true));
    double[] dy = c.reference();
    double[][] want = c.backward(k, dy, GradReq.WRITE, null);
    double[][] got = c.backward(fused, dy, GradReq.WRITE, null);
    for (int i = 0; i < want.length; i++) {
      assertThat(got[i]).as("gradient %d", i).isEqualTo(want[i]);
    }
  }

  @Test
  void onlyReluOverAFusableFallbackFuses() {
    ConvCase c = ConvCase.random(new Random(13), 1, 3, 4, 6, 6, 1, true);
    WinogradKernel k = inferenceKernel(c, Variant.F6);
    assertThat(k.fuse(TANH)).isNull();
    assertThat(((EpilogueFusable) k.fuse(RELU)).fuse(RELU)).as("fused twice").isNull();
    // the default kernel runs the epilogue as its own step, so Winograd leaves it there too
    WinogradKernel overDefault = new WinogradKernel(Variant.F6, false, c.p(), c.sig(),
        c.defaultKernel(), 1);
    assertThat(overDefault.fuse(RELU)).isNull();
  }

  /** An inference Winograd kernel over the registry's fallback (oneDNN's), on 2 threads. */
  private static WinogradKernel inferenceKernel(ConvCase c, Variant v) {
    Kernel fallback = WinogradKernels.fallbackKernel(c.p(), c.sig());
    assertThat(fallback).isInstanceOf(EpilogueFusable.class);
    return new WinogradKernel(v, false, c.p(), c.sig(), fallback, 2);
  }
}
