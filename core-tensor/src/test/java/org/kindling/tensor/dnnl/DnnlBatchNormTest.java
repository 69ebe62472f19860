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
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.testing.SeededProperty;

/**
 * oneDNN's BatchNorm gives the default kernel's outputs (hidden mean and inverse standard
 * deviation included), gradients and moving statistics, over fix_gamma, use_global_stats, eps,
 * momentum, training and inference passes, and 2- to 5-D data.
 */
@ExtendWith(AccelAuto.class)
class DnnlBatchNormTest {
  /** A random BatchNorm case. */
  record Case(BatchNorm.Params params, Shape data, boolean train, GradReq req, long seed) {}

  @Test
  void matchesDefaultKernel() {
    SeededProperty.check(30, r -> {
      BatchNorm.Params p = BatchNorm.Params.defaults().withFixGamma(r.nextBoolean())
          .withUseGlobalStats(r.nextInt(4) == 0)
          .withEpsMomentum(r.nextBoolean() ? 1e-5 : 2e-3, 0.5f + r.nextFloat() * 0.5f);
      int n = 1 + r.nextInt(4);
      int c = 1 + r.nextInt(20);
      Shape d = switch (r.nextInt(4)) {
        case 0 -> Shape.of(n + 1, c);
        case 1 -> Shape.of(n, c, 1 + r.nextInt(9));
        case 2 -> Shape.of(n, c, 1 + r.nextInt(7), 1 + r.nextInt(7));
        default -> Shape.of(n, c, 2, 1 + r.nextInt(3), 1 + r.nextInt(4));
      };
      return new Case(p, d, r.nextInt(3) > 0, r.nextBoolean() ? GradReq.WRITE : GradReq.ADD,
          r.nextLong());
    }, DnnlBatchNormTest::check);
  }

  @Test
  void fallbackBranches() {
    // channel axis other than 1, and eps = 0
    assertThat(new KernelPair<>(BatchNorm.OP, BatchNorm.Params.defaults().withAxis(-1),
        Shape.of(2, 3, 4)).kernel("dnnl")).isNull();
    assertThat(new KernelPair<>(BatchNorm.OP, BatchNorm.Params.defaults().withEpsMomentum(0,
        0.9f), Shape.of(2, 3, 4)).kernel("dnnl")).isNull();
    assertThat(new KernelPair<>(BatchNorm.OP, BatchNorm.Params.defaults(), Shape.of(2, 3, 4))
        .kernel("dnnl")).isNotNull();
  }

  private static void check(Case c) {
    KernelPair<BatchNorm.Params> pair = new KernelPair<>(BatchNorm.OP, c.params(), c.data());
    Random r = new Random(c.seed());
    TensorView[] in = new TensorView[5];
    for (int i = 0; i < 3; i++) {
      in[i] = KernelPair.random(pair.sig.in(i), r);
    }
    in[3] = KernelPair.random(pair.sig.in(3), r);
    in[4] = KernelPair.view(pair.sig.in(4));
    for (int k = 0; k < in[4].size(); k++) {
      in[4].floats().put(k, 0.5f + r.nextFloat());
    }
    TensorView[] heads = {KernelPair.random(pair.sig.out(0), r),
        KernelPair.view(pair.sig.out(1)), KernelPair.view(pair.sig.out(2))};
    TensorView[] grads = new TensorView[5];
    for (int i = 0; i < 3; i++) {
      grads[i] = KernelPair.random(pair.sig.in(i), r);
    }
    Run expected = run(pair.kernel("cpu"), pair, c, in, heads, grads);
    Run actual = run(pair.kernel("dnnl"), pair, c, in, heads, grads);
    for (int k = 0; k < 3; k++) {
      KernelPair.assertClose("output " + k, expected.out[k], actual.out[k], 2e-5);
    }
    for (int i = 0; i < 3; i++) {
      KernelPair.assertClose("gradient of input " + i, expected.grads[i], actual.grads[i], 1e-4);
    }
    KernelPair.assertClose("moving mean", expected.in[3], actual.in[3], 1e-6);
    KernelPair.assertClose("moving var", expected.in[4], actual.in[4], 1e-5);
  }

  /** The outputs, gradients and (updated) inputs of one kernel's forward and backward. */
  private record Run(TensorView[] in, TensorView[] out, TensorView[] grads) {}

  private static Run run(Kernel k, KernelPair<BatchNorm.Params> pair, Case c, TensorView[] in0,
      TensorView[] heads, TensorView[] grads0) {
    TensorView[] in = new TensorView[in0.length];
    for (int i = 0; i < in.length; i++) {
      in[i] = KernelPair.copy(in0[i]);
    }
    TensorView[] out = new TensorView[3];
    for (int j = 0; j < 3; j++) {
      out[j] = KernelPair.view(pair.sig.out(j));
    }
    k.forward(KernelPair.context(k, c.train()), in, out);
    TensorView[] grads = new TensorView[5];
    GradReq[] req = new GradReq[5];
    for (int i = 0; i < 5; i++) {
      grads[i] = i < 3 ? KernelPair.copy(grads0[i]) : null;
      req[i] = i < 3 ? c.req() : GradReq.NULL;
    }
    if (c.train()) {
      k.backward(KernelPair.context(k, true), new BackwardArgs(heads, in, out, grads, req));
    }
    return new Run(in, out, grads);
  }
}
