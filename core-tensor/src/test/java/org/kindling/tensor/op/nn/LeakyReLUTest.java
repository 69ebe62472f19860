package org.kindling.tensor.op.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.ErfMath;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.nn.LeakyReLU.ActType;

/**
 * What the generic suite cannot check for LeakyReLU: rrelu's random training pass, selu's
 * gradient (MXNet's formula, not the exact derivative), and GELU's erf values.
 */
class LeakyReLUTest {
  private static final double[] X = {-2, -0.5, -0.01, 0.3, 1.5, -1, 2, -3};

  @Test
  void rreluTrainingDrawsSlopesBetweenTheBoundsReproduciblyPerSeed() {
    LeakyReLU.Params p = LeakyReLU.Params.of(ActType.RRELU).withBounds(0.1f, 0.3f);
    assertThat(LeakyReLU.OP.numVisibleOutputs(p)).as("MXNet shows rrelu's mask").isEqualTo(2);
    var h = KernelHarness.of(LeakyReLU.OP, p, Shape.of(X.length));
    KernelHarness.set(h.in[0], X);
    h.forward(true, 5);
    double[] y = KernelHarness.get(h.out[0]);
    double[] mask = KernelHarness.get(h.out[1]);
    for (int i = 0; i < X.length; i++) {
      assertThat(mask[i]).isBetween(0.1, 0.3);
      assertThat(y[i]).isCloseTo(X[i] > 0 ? X[i] : X[i] * mask[i], within(1e-6));
    }
    assertThat(mask).doesNotHaveDuplicates();
    var again = KernelHarness.of(LeakyReLU.OP, p, Shape.of(X.length));
    KernelHarness.set(again.in[0], X);
    again.forward(true, 5);
    assertThat(KernelHarness.get(again.out[1])).containsExactly(mask);

    double[] dy = {1, 2, 3, 4, 5, 6, 7, 8};
    double[] dx = KernelHarness.get(h.backward(true, 5, new double[][] {dy}, true)[0]);
    for (int i = 0; i < X.length; i++) {
      assertThat(dx[i]).isCloseTo(dy[i] * (X[i] > 0 ? 1 : mask[i]), within(1e-5));
    }
  }

  @Test
  void rreluInferenceUsesTheMeanSlope() {
    var h = KernelHarness.of(LeakyReLU.OP, LeakyReLU.Params.of(ActType.RRELU), Shape.of(2));
    KernelHarness.set(h.in[0], -1, 1);
    h.forward(false, 1);
    float slope = (0.125f + 0.334f) / 2f;
    assertThat(KernelHarness.get(h.out[0])).containsExactly(-slope, 1);
    assertThat(KernelHarness.get(h.out[1])).containsExactly(slope, slope);
  }

  @Test
  void seluBackwardIsMxnetsFormulaFromTheOutput() {
    var h = KernelHarness.of(LeakyReLU.OP, LeakyReLU.Params.of(ActType.SELU), Shape.of(X.length));
    KernelHarness.set(h.in[0], X);
    h.forward(false, 1);
    double[] y = KernelHarness.get(h.out[0]);
    double lambda = LeakyReLU.SELU_LAMBDA;
    double alpha = LeakyReLU.SELU_ALPHA;
    double[] dy = {1, -1, 2, 0.5, 1, 3, -2, 1};
    double[] dx = KernelHarness.get(h.backward(false, 1, new double[][] {dy}, true)[0]);
    for (int i = 0; i < X.length; i++) {
      assertThat(y[i]).isCloseTo(lambda * (X[i] > 0 ? X[i] : alpha * Math.expm1(X[i])),
          within(1e-5));
      // MXNet's selu_grad: lambda * (y > 0 ? 1 : alpha + y)  (exact would be y + lambda*alpha)
      assertThat(dx[i]).isCloseTo(dy[i] * lambda * (y[i] > 0 ? 1 : alpha + y[i]), within(1e-5));
    }
  }

  @Test
  void geluIsTheErfForm() {
    var h = KernelHarness.of(LeakyReLU.OP, LeakyReLU.Params.of(ActType.GELU), Shape.of(4));
    KernelHarness.set(h.in[0], 1, -1, 0.5, -3);
    h.forward(false, 1);
    assertThat(KernelHarness.get(h.out[0])).containsExactly(new double[] {0.8413447460685429,
        -0.15865525393145707, 0.34573123063700656, -0.00404969409489031}, within(1e-7));
    assertThat(ErfMath.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
    assertThat(ErfMath.erf(2)).isCloseTo(0.9953222650189527, within(1e-15));
    assertThat(ErfMath.erf(3.5)).isCloseTo(0.9999992569016276, within(1e-15));
    assertThat(ErfMath.erf(-4.2)).isCloseTo(-0.9999999971445058, within(1e-15));
    assertThat(ErfMath.erf(0.001)).isCloseTo(0.0011283787909692365, within(1e-18));
    assertThat(ErfMath.erf(Double.NEGATIVE_INFINITY)).isEqualTo(-1);
    assertThat(ErfMath.erf(Double.NaN)).isNaN();
  }

  @Test
  void preluInfersAChannelGammaAndRejectsOneThatDoesNotBroadcast() {
    LeakyReLU.Params p = LeakyReLU.Params.of(ActType.PRELU);
    Shape[] in = {Shape.of(2, 3, 4), null};
    LeakyReLU.OP.inferShape(p, new ShapeSlots(in, new Shape[1], LeakyReLU.OP.inputNames(p),
        LeakyReLU.OP.outputNames(p)));
    assertThat(in[1]).isEqualTo(Shape.of(3));
    assertThatThrownBy(() -> KernelHarness.of(LeakyReLU.OP, p, Shape.of(2, 3, 4), Shape.of(4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gamma");
  }
}
