package org.kindling.symbol.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.kindling.symbol.init.Xavier.FactorType;
import org.kindling.symbol.init.Xavier.RandomType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

class XavierTest {
  private static float[] draw(WeightInitializer init, String name, Shape shape) {
    NDArray w = NDArray.zeros(shape);
    init.init(name, w);
    return w.toFloatArray();
  }

  @Test
  void defaultIsUniformAvgMagnitudeThree() {
    float[] w = draw(new Xavier(1), "fc1_weight", Shape.of(256, 784));
    Draws.assertUniform(w, Math.sqrt(3.0 / ((784 + 256) / 2.0)));
  }

  @Test
  void convolutionFansMultiplyByTheKernelArea() {
    // MXNet: hw_scale = prod(shape[2:]); fan_in = shape[1]·hw, fan_out = shape[0]·hw
    Shape conv = Shape.of(64, 32, 3, 5);
    double in = 32 * 15;
    double out = 64 * 15;
    assertThat(new Xavier(RandomType.GAUSSIAN, FactorType.IN, 2, 5).scale(conv))
        .isCloseTo(Math.sqrt(2 / in), within(1e-15));
    assertThat(Xavier.of("uniform", "out", 1, 0).scale(conv))
        .isCloseTo(Math.sqrt(1 / out), within(1e-15));
    assertThat(new Xavier(0).scale(conv)).isCloseTo(Math.sqrt(3 / ((in + out) / 2)),
        within(1e-15));
    assertThat(new Xavier(0).scale(Shape.of(10, 4))).isCloseTo(Math.sqrt(3 / 7.0),
        within(1e-15));
  }

  @Test
  void everyRandomAndFactorTypeDrawsFromItsDistribution() {
    Shape conv = Shape.of(48, 16, 3, 3);
    long seed = 100;
    for (RandomType r : RandomType.values()) {
      for (FactorType f : FactorType.values()) {
        Xavier x = new Xavier(r, f, 2.5, seed++);
        double fanIn = 16 * 9;
        double fanOut = 48 * 9;
        double factor = f == FactorType.AVG ? (fanIn + fanOut) / 2
            : f == FactorType.IN ? fanIn : fanOut;
        double scale = Math.sqrt(2.5 / factor);
        float[] w = draw(x, "conv_weight", conv);
        if (r == RandomType.UNIFORM) {
          Draws.assertUniform(w, scale);
        } else {
          Draws.assertGaussian(w, scale);
        }
      }
    }
  }

  @Test
  void msraPreluIsGaussianXavierWithMagnitudeFromTheSlope() {
    Shape conv = Shape.of(64, 32, 3, 3);
    MSRAPrelu m = new MSRAPrelu(FactorType.IN, 0.5, 3);
    double sigma = Math.sqrt(2 / (1 + 0.25) / (32 * 9));
    assertThat(m.scale(conv)).isCloseTo(sigma, within(1e-15));
    Draws.assertGaussian(draw(m, "conv_weight", conv), sigma);
    // the default: avg, slope 0.25
    assertThat(new MSRAPrelu(0).scale(Shape.of(10, 30)))
        .isCloseTo(Math.sqrt(2 / 1.0625 / 20), within(1e-15));
  }

  @Test
  void weightsNeedTwoDimensionsAndNonZeroFans() {
    Xavier x = new Xavier(9);
    assertThatThrownBy(() -> x.init("vec_weight", NDArray.zeros(5)))
        .hasMessageContaining("vec_weight").hasMessageContaining("2D");
    Xavier in = new Xavier(RandomType.UNIFORM, FactorType.IN, 3, 1);
    assertThatThrownBy(() -> in.init("empty_weight", NDArray.zeros(Shape.of(4, 0))))
        .hasMessageContaining("empty_weight").hasMessageContaining("zero in fan");
    assertThatThrownBy(() -> new Xavier(RandomType.UNIFORM, FactorType.AVG, 0, 1))
        .hasMessageContaining("magnitude");
    assertThatThrownBy(() -> Xavier.of("normal", "avg", 3, 1))
        .hasMessageContaining("rnd_type").hasMessageContaining("'normal'");
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
}
