package org.kindling.symbol.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

class XavierTest {
  private static double[] stats(float[] v) {
    double sum = 0;
    double sq = 0;
    double maxAbs = 0;
    for (float x : v) {
      sum += x;
      sq += (double) x * x;
      maxAbs = Math.max(maxAbs, Math.abs(x));
    }
    double mean = sum / v.length;
    return new double[] {mean, sq / v.length - mean * mean, maxAbs};
  }

  @Test
  void defaultIsUniformAvgMagnitudeThree() {
    NDArray w = NDArray.zeros(256, 784);
    new Xavier(1).init("fc1_weight", w);
    double scale = Math.sqrt(3.0 / ((784 + 256) / 2.0));
    double[] s = stats(w.toFloatArray());
    assertThat(s[2]).isLessThanOrEqualTo(scale);
    assertThat(s[2]).isGreaterThan(0.99 * scale);
    assertThat(s[0]).isCloseTo(0, within(0.01 * scale));
    assertThat(s[1]).isCloseTo(scale * scale / 3, within(0.02 * scale * scale / 3));
  }

  @Test
  void gaussianUsesScaleAsStandardDeviationAndConvolutionFans() {
    Xavier x = new Xavier(Xavier.RandomType.GAUSSIAN, Xavier.FactorType.IN, 2f, 5);
    Shape conv = Shape.of(64, 32, 3, 3);
    assertThat(x.scale(conv)).isCloseTo(Math.sqrt(2.0 / (32 * 9)), within(1e-12));
    assertThat(Xavier.of("uniform", "out", 1f, 0).scale(conv))
        .isCloseTo(Math.sqrt(1.0 / (64 * 9)), within(1e-12));
    NDArray w = NDArray.zeros(conv);
    x.init("conv_weight", w);
    double[] s = stats(w.toFloatArray());
    assertThat(Math.sqrt(s[1])).isCloseTo(x.scale(conv), within(0.03 * x.scale(conv)));
    assertThat(s[0]).isCloseTo(0, within(0.02 * x.scale(conv)));
  }

  @Test
  void nameRuleZeroesBiasesAndBetasAndSetsGammasToOne() {
    Xavier x = new Xavier(9);
    NDArray b = NDArray.of(new float[] {5, 5}, Shape.of(2));
    x.init("fc1_bias", b);
    assertThat(b.toFloatArray()).containsOnly(0f);
    NDArray g = NDArray.zeros(3);
    x.init("bn_gamma", g);
    assertThat(g.toFloatArray()).containsOnly(1f);
    NDArray beta = NDArray.of(new float[] {2}, Shape.of(1));
    x.init("bn_beta", beta);
    assertThat(beta.toFloatArray()).containsOnly(0f);
    assertThatThrownBy(() -> x.init("data", NDArray.zeros(2)))
        .hasMessageContaining("'data'");
    assertThatThrownBy(() -> x.init("vec_weight", NDArray.zeros(5)))
        .hasMessageContaining("vec_weight").hasMessageContaining("2D");
  }

  @Test
  void seededAndIndependentOfVisitOrder() {
    NDArray a1 = NDArray.zeros(4, 5);
    NDArray b1 = NDArray.zeros(4, 5);
    Xavier x = new Xavier(42);
    x.init("a_weight", a1);
    x.init("b_weight", b1);
    NDArray b2 = NDArray.zeros(4, 5);
    NDArray a2 = NDArray.zeros(4, 5);
    Xavier y = new Xavier(42);
    y.init("b_weight", b2);
    y.init("a_weight", a2);
    assertThat(a2.toFloatArray()).containsExactly(a1.toFloatArray());
    assertThat(b2.toFloatArray()).containsExactly(b1.toFloatArray());
    assertThat(a1.toFloatArray()).isNotEqualTo(b1.toFloatArray());
    NDArray other = NDArray.zeros(4, 5);
    new Xavier(43).init("a_weight", other);
    assertThat(other.toFloatArray()).isNotEqualTo(a1.toFloatArray());
  }

  @Test
  void zeroAndOneInitializeWeights() {
    NDArray w = NDArray.of(new float[] {3, 3}, Shape.of(1, 2));
    new Zero().init("w_weight", w);
    assertThat(w.toFloatArray()).containsOnly(0f);
    new One().init("w_weight", w);
    assertThat(w.toFloatArray()).containsOnly(1f);
  }
}
