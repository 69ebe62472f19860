package org.kindling.symbol.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/** The simple initializers and the name rules of MXNet 1.9.1's {@code Initializer.__call__}. */
class InitializerTest {
  private static float[] init(Initializer init, InitDesc desc, Shape shape) {
    NDArray a = NDArray.zeros(shape);
    a.fill(7f); // every rule must overwrite
    init.init(desc, a);
    return a.toFloatArray();
  }

  private static float[] init(Initializer init, String name, Shape shape) {
    return init(init, InitDesc.of(name), shape);
  }

  @Test
  void uniformAndNormalDrawFromTheirDistributions() {
    Draws.assertUniform(init(new Uniform(0.3, 1), "fc_weight", Shape.of(200, 100)), 0.3);
    Draws.assertUniform(init(new Uniform(2), "fc_weight", Shape.of(200, 100)), 0.07);
    Draws.assertGaussian(init(new Normal(0.5, 3), "fc_weight", Shape.of(200, 100)), 0.5);
    Draws.assertGaussian(init(new Normal(4), "fc_weight", Shape.of(200, 100)), 0.01);
    assertThat(init(new Uniform(0, 1), "fc_weight", Shape.of(3))).containsOnly(0f);
    assertThatThrownBy(() -> new Normal(-1, 0)).hasMessageContaining("sigma");
    assertThatThrownBy(() -> new Uniform(Double.NaN, 0)).hasMessageContaining("scale");
  }

  @Test
  void constantZeroAndOneSetWeightsOnly() {
    assertThat(init(new Constant(0.25), "prelu_weight", Shape.of(2, 3))).containsOnly(0.25f);
    assertThat(init(new Constant(0.25), "fc_bias", Shape.of(3))).containsOnly(0f);
    assertThat(init(new Zero(), "w_weight", Shape.of(1, 2))).containsOnly(0f);
    assertThat(init(new One(), "w_weight", Shape.of(1, 2))).containsOnly(1f);
    assertThat(init(new One(), "w_bias", Shape.of(2))).containsOnly(0f);
  }

  @Test
  void bilinearBuildsTheUpsamplingKernel() {
    // width 4: f = 2, c = 0.75, so the 1-D profile is (0.25, 0.75, 0.75, 0.25)
    float[] w = init(new Bilinear(), "up_weight", Shape.of(2, 1, 4, 4));
    double[] profile = {0.25, 0.75, 0.75, 0.25};
    for (int i = 0; i < w.length; i++) {
      assertThat(w[i]).as("element %d", i)
          .isEqualTo((float) (profile[(i / 4) % 4] * profile[i % 4]));
    }
    // width 3: f = 2 and c = 0.75 as for width 4 (MXNet's formula), so the profile is
    // (0.25, 0.75, 0.75) and row 0 of a height-1 kernel scales it by 0.25
    float[] odd = init(new Bilinear(), "up_weight", Shape.of(1, 1, 1, 3));
    assertThat(odd).containsExactly(0.0625f, 0.1875f, 0.1875f);
    assertThatThrownBy(() -> init(new Bilinear(), "up_weight", Shape.of(3, 3)))
        .hasMessageContaining("up_weight").hasMessageContaining("4-D");
  }

  @Test
  void lstmBiasSetsTheForgetGateQuarter() {
    float[] b = init(new LSTMBias(2.5), "lstm_weight", Shape.of(8));
    assertThat(b).containsExactly(0, 0, 2.5f, 2.5f, 0, 0, 0, 0);
  }

  @Test
  void nameRulesFollowMxnet() {
    Initializer x = new Xavier(9);
    Map<String, Float> expected = Map.of(
        "fc1_bias", 0f, "bn_gamma", 1f, "bn_beta", 0f, "q_min", 0f, "q_max", 1f,
        "bn_moving_mean", 0f, "bn_moving_var", 1f, "bn_moving_inv_var", 0f,
        "bn_moving_avg", 0f);
    expected.forEach((name, value) ->
        assertThat(init(x, name, Shape.of(3))).as(name).containsOnly(value));
    assertThatThrownBy(() -> init(x, "data", Shape.of(2)))
        .hasMessageContaining("'data'").hasMessageContaining("Mixed");
  }

  @Test
  void anInitAttributeOverridesTheNameRules() {
    Initializer x = new Xavier(9);
    // what MXNet's LeakyReLU attaches to a PReLU gamma, with MXNet's capital C
    InitDesc prelu = new InitDesc("prelu_gamma",
        Map.of(InitDesc.INIT_ATTR, "[\"Constant\", {\"value\": 0.25}]"));
    assertThat(init(x, prelu, Shape.of(4))).containsOnly(0.25f);
    // BatchNorm's tag on moving_mean, and a spec in the call form on a bias
    InitDesc mean = new InitDesc("bn_moving_mean", Map.of(InitDesc.INIT_ATTR, "[\"zero\", {}]"));
    assertThat(init(x, mean, Shape.of(4))).containsOnly(0f);
    InitDesc bias = new InitDesc("fc_bias", Map.of(InitDesc.INIT_ATTR, "one"));
    assertThat(init(x, bias, Shape.of(4))).containsOnly(1f);
    // a random spec draws with the calling initializer's seed, whatever its own rule
    InitDesc normal = new InitDesc("odd_name", Map.of(InitDesc.INIT_ATTR, "normal(sigma=2)"));
    float[] viaXavier = init(x, normal, Shape.of(50, 40));
    Draws.assertGaussian(viaXavier, 2);
    assertThat(init(new Uniform(1, 9), normal, Shape.of(50, 40))).containsExactly(viaXavier);
    assertThat(init(new Xavier(10), normal, Shape.of(50, 40))).isNotEqualTo(viaXavier);
    // an empty attribute is no attribute
    InitDesc empty = new InitDesc("fc_bias", Map.of(InitDesc.INIT_ATTR, ""));
    assertThat(init(x, empty, Shape.of(2))).containsOnly(0f);
    InitDesc bad = new InitDesc("fc_bias", Map.of(InitDesc.INIT_ATTR, "[\"orthogonal\", {}]"));
    assertThatThrownBy(() -> init(x, bad, Shape.of(2)))
        .hasMessageContaining("'fc_bias'").hasMessageContaining("__init__")
        .hasMessageContaining("orthogonal");
  }

  @Test
  void onlyFloat32ArraysAreFilled() {
    NDArray ints = NDArray.zeros(Shape.of(3), DType.INT32);
    assertThatThrownBy(() -> new Zero().init("fc_bias", ints))
        .hasMessageContaining("'fc_bias'").hasMessageContaining("int32");
  }
}
