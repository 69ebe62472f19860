package org.kindling.symbol.optimizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

class SGDTest {
  private static void assertValues(NDArray a, double... expected) {
    float[] v = a.toFloatArray();
    assertThat(v).hasSize(expected.length);
    for (int i = 0; i < v.length; i++) {
      assertThat((double) v[i]).as("[%d]", i).isCloseTo(expected[i], within(1e-6));
    }
  }

  @Test
  void momentumUpdateMatchesHandComputation() {
    SGD sgd = SGD.builder().learningRate(0.1f).momentum(0.9f).wd(0.01f).rescaleGrad(0.5f)
        .clipGradient(1f).build();
    NDArray w = NDArray.of(new float[] {1f, -2f, 0.5f}, Shape.of(3));
    NDArray g = NDArray.of(new float[] {0.4f, -10f, 2f}, Shape.of(3));
    // g' = clip(0.5·g, 1) = [0.2, -1, 1]
    // mom1 = -0.1·0.01·w - 0.1·g' = [-0.021, 0.102, -0.1005]; w1 = w + mom1
    sgd.update("fc1_weight", w, g);
    assertValues(w, 0.979, -1.898, 0.3995);
    // mom2 = 0.9·mom1 - 0.001·w1 - 0.1·g' = [-0.039879, 0.193698, -0.1908495]
    sgd.update("fc1_weight", w, g);
    assertValues(w, 0.939121, -1.704302, 0.2086505);
  }

  @Test
  void plainUpdateAndBiasesWithoutWeightDecay() {
    SGD sgd = SGD.builder().learningRate(0.5f).wd(0.1f).build();
    NDArray w = NDArray.of(new float[] {2f, -1f}, Shape.of(2));
    NDArray g = NDArray.of(new float[] {1f, 3f}, Shape.of(2));
    sgd.update("fc_weight", w, g); // (1 - 0.05)·w - 0.5·g
    assertValues(w, 1.4, -2.45);
    NDArray b = NDArray.of(new float[] {2f, -1f}, Shape.of(2));
    sgd.update("fc_bias", b, g); // MXNet gives biases wd_mult 0
    assertValues(b, 1.5, -2.5);
  }

  @Test
  void negativeClipMeansNoClipping() {
    SGD sgd = SGD.builder().learningRate(1f).clipGradient(-1f).build();
    NDArray w = NDArray.of(new float[] {0f}, Shape.of(1));
    sgd.update("w_weight", w, NDArray.of(new float[] {100f}, Shape.of(1)));
    assertValues(w, -100);
  }

  @Test
  void specRoundTrips() {
    String spec = "sgd learning_rate=0.1 momentum=0.9 wd=0.0001 rescale_grad=0.0078125 "
        + "clip_gradient=-1";
    Optimizer o = Optimizers.fromSpec(spec);
    assertThat(o).isInstanceOf(SGD.class);
    assertThat(o.spec()).isEqualTo(spec);
    SGD s = (SGD) o;
    assertThat(s.learningRate()).isEqualTo(0.1);
    assertThat(s.momentum()).isEqualTo(0.9);
    assertThat(s.wd()).isEqualTo(0.0001);
    assertThat(s.rescaleGrad()).isEqualTo(0.0078125);
    assertThat(s.clipGradient()).isEqualTo(-1);
    assertThat(Optimizers.fromSpec("SGD  lr=0.5").spec())
        .isEqualTo("sgd learning_rate=0.5 momentum=0 wd=0 rescale_grad=1 clip_gradient=-1");
  }

  @Test
  void unknownOptimizerOrParameterIsRejectedByName() {
    assertThatThrownBy(() -> Optimizers.fromSpec("adamax learning_rate=0.1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'adamax'");
    assertThatThrownBy(() -> Optimizers.fromSpec("sgd beta1=0.9"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'beta1'");
    assertThatThrownBy(() -> Optimizers.fromSpec("sgd momentum=high"))
        .hasMessageContaining("momentum");
    assertThatThrownBy(() -> Optimizers.fromSpec("sgd momentum"))
        .hasMessageContaining("key=value");
    assertThatThrownBy(() -> Optimizers.fromSpec("sgd learning_rate=0"))
        .hasMessageContaining("learning_rate");
    assertThatThrownBy(() -> Optimizers.fromSpec("sgd wd=1 wd=2")).hasMessageContaining("twice");
    assertThatThrownBy(() -> Optimizers.fromSpec("  ")).hasMessageContaining("empty");
  }

  @Test
  void shapeMismatchIsRejected() {
    SGD sgd = SGD.builder().build();
    assertThatThrownBy(() -> sgd.update("w", NDArray.zeros(2), NDArray.zeros(3)))
        .hasMessageContaining("'w'");
  }
}
