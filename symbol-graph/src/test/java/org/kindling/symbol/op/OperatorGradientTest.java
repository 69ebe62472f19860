package org.kindling.symbol.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kindling.symbol.op.GradientAssert.assertClose;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kindling.symbol.GradReq;
import org.kindling.symbol.op.SoftmaxOutput.Normalization;
import org.kindling.tensor.Shape;

/** Every backward kernel against central differences of its forward kernel. */
class OperatorGradientTest {
  private static final float EPS = 1e-3f;
  private static final double ATOL = 2e-3;
  private static final double RTOL = 2e-2;

  private final SplittableRandom rnd = new SplittableRandom(42);

  /** Checks every input listed in {@code wrt} for the objective Σ w·y. */
  private <P> void checkWeightedSum(OpHarness<P> h, float[][] inputs, int... wrt) {
    float[] w = TestData.uniform(rnd, h.outShapes[0].intSize(), -1, 1);
    float[][] grads = h.backward(inputs, new float[][] {w}, h.writeAllBut(), null);
    ToDoubleFunction<float[][]> obj = OpHarness.weightedSum(w);
    for (int i : wrt) {
      double[] numeric = h.numericGradient(inputs, i, obj, EPS);
      assertClose(grads[i], numeric, ATOL, RTOL, h.op + " input " + i);
    }
  }

  @Test
  void fullyConnectedGradientsMatchNumericalForDataWeightAndBias() {
    var h = new OpHarness<>(Operators.FULLY_CONNECTED, FullyConnected.Params.of(3),
        Shape.of(4, 2, 3), Shape.of(3, 6), Shape.of(3));
    float[][] in = {TestData.uniform(rnd, 24, -1, 1), TestData.uniform(rnd, 18, -1, 1),
        TestData.uniform(rnd, 3, -1, 1)};
    checkWeightedSum(h, in, 0, 1, 2);
  }

  @Test
  void fullyConnectedWithoutFlattenAndWithoutBiasMatchesNumerical() {
    var p = FullyConnected.Params.of(2).withFlatten(false).withNoBias(true);
    var h = new OpHarness<>(Operators.FULLY_CONNECTED, p, Shape.of(2, 3, 4), Shape.of(2, 4));
    assertThat(h.outShapes[0]).isEqualTo(Shape.of(2, 3, 2));
    float[][] in = {TestData.uniform(rnd, 24, -1, 1), TestData.uniform(rnd, 8, -1, 1)};
    checkWeightedSum(h, in, 0, 1);
  }

  @ParameterizedTest
  @EnumSource(Activation.ActType.class)
  void activationGradientMatchesNumerical(Activation.ActType type) {
    var h = new OpHarness<>(Operators.ACTIVATION, new Activation.Params(type), Shape.of(3, 5));
    float[][] in = {TestData.awayFromZero(rnd, 15, 0.05, 2.5)};
    checkWeightedSum(h, in, 0);
  }

  @Test
  void flattenReshapeAndAddGradientsMatchNumerical() {
    float[] x = TestData.uniform(rnd, 24, -1, 1);
    checkWeightedSum(new OpHarness<>(Operators.FLATTEN, NoParams.NONE,
        Shape.of(2, 3, 4)), new float[][] {x}, 0);
    checkWeightedSum(new OpHarness<>(Operators.RESHAPE, Reshape.Params.of(-1, 2),
        Shape.of(2, 3, 4)), new float[][] {x}, 0);
    checkWeightedSum(new OpHarness<>(Operators.ELEMWISE_ADD, NoParams.NONE,
        Shape.of(2, 12), Shape.of(2, 12)), new float[][] {x, TestData.uniform(rnd, 24, -1, 1)},
        0, 1);
  }

  /**
   * The loss whose gradient SoftmaxOutput's backward returns: scale · Σ over non-ignored
   * positions of −Σ_c t_c log p_c, with t the (smoothed) one-hot target. Written from the
   * documented semantics, independently of the kernel.
   */
  private static ToDoubleFunction<float[][]> softmaxLoss(float[] label, int rows, int k,
      int inner, SoftmaxOutput.Params p) {
    int ignore = (int) p.ignoreLabel();
    int valid = label.length;
    for (float l : label) {
      if ((int) l == ignore) {
        valid--;
      }
    }
    double norm = switch (p.normalization()) {
      case NULL -> 1;
      case BATCH -> rows;
      case VALID -> Math.max(valid, 1);
    };
    double spatial = p.multiOutput() && p.normalization() != Normalization.VALID ? inner : 1;
    double scale = p.gradScale() / spatial / norm;
    double alpha = p.smoothAlpha();
    return outs -> {
      double loss = 0;
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < inner; j++) {
          int target = (int) label[r * inner + j];
          if (p.useIgnore() && target == ignore) {
            continue;
          }
          for (int c = 0; c < k; c++) {
            double t = c == target ? 1 - alpha : alpha / (k - 1);
            double prob = outs[0][(r * k + c) * inner + j];
            loss -= t * Math.log(prob);
          }
        }
      }
      return scale * loss;
    };
  }

  private void checkSoftmax(SoftmaxOutput.Params p, Shape data, float[] label, int rows, int k,
      int inner) {
    var h = new OpHarness<>(Operators.SOFTMAX_OUTPUT, p, data,
        p.multiOutput() ? Shape.of(rows, inner) : Shape.of(label.length));
    float[][] in = {TestData.uniform(rnd, data.intSize(), -2, 2), label};
    float[][] grads = h.backward(in, null, h.writeAllBut(), null);
    double[] numeric = h.numericGradient(in, 0, softmaxLoss(label, rows, k, inner, p), EPS);
    assertClose(grads[0], numeric, ATOL, RTOL, "SoftmaxOutput " + p);
    assertThat(grads[1]).as("label gradient").containsOnly(0f);
  }

  @Test
  void softmaxOutputDefaultGradientIsCrossEntropyGradient() {
    checkSoftmax(SoftmaxOutput.Params.defaults(), Shape.of(4, 5), new float[] {0, 3, 4, 1}, 4,
        5, 1);
  }

  @Test
  void softmaxOutputGradScaleAndBatchNormalizationScaleTheGradient() {
    var p = SoftmaxOutput.Params.defaults().withGradScale(2.5f)
        .withNormalization(Normalization.BATCH);
    checkSoftmax(p, Shape.of(4, 3), new float[] {0, 2, 1, 1}, 4, 3, 1);
  }

  @Test
  void softmaxOutputUseIgnoreWithValidNormalizationSkipsIgnoredRows() {
    var p = SoftmaxOutput.Params.defaults().withIgnoreLabel(2f)
        .withNormalization(Normalization.VALID);
    float[] label = {0, 2, 1, 2, 3};
    var h = new OpHarness<>(Operators.SOFTMAX_OUTPUT, p, Shape.of(5, 4), Shape.of(5));
    float[][] in = {TestData.uniform(rnd, 20, -2, 2), label};
    float[][] grads = h.backward(in, null, h.writeAllBut(1), null);
    for (int c = 0; c < 4; c++) {
      assertThat(grads[0][4 + c]).as("ignored row 1").isZero();
      assertThat(grads[0][12 + c]).as("ignored row 3").isZero();
    }
    checkSoftmax(p, Shape.of(5, 4), label, 5, 4, 1);
  }

  @Test
  void softmaxOutputLabelSmoothingMatchesSmoothedCrossEntropy() {
    checkSoftmax(SoftmaxOutput.Params.defaults().withSmoothAlpha(0.2f), Shape.of(3, 4),
        new float[] {1, 0, 3}, 3, 4, 1);
  }

  @Test
  void softmaxOutputMultiOutputNormalizesOverSpatialPositions() {
    var p = SoftmaxOutput.Params.defaults().withMultiOutput(true);
    checkSoftmax(p, Shape.of(2, 3, 4), new float[] {0, 1, 2, 1, 2, 0, 0, 1}, 2, 3, 4);
    checkSoftmax(p.withNormalization(Normalization.VALID).withIgnoreLabel(1f),
        Shape.of(2, 3, 4), new float[] {0, 1, 2, 1, 2, 0, 0, 1}, 2, 3, 4);
  }

  @Test
  void softmaxOutputPreserveShapeUsesLastAxis() {
    var p = SoftmaxOutput.Params.defaults().withPreserveShape(true);
    var h = new OpHarness<>(Operators.SOFTMAX_OUTPUT, p, Shape.of(2, 3, 4), Shape.of(2, 3));
    float[] label = {0, 1, 2, 3, 3, 1};
    float[][] in = {TestData.uniform(rnd, 24, -2, 2), label};
    float[][] grads = h.backward(in, null, h.writeAllBut(1), null);
    double[] numeric = h.numericGradient(in, 0, softmaxLoss(label, 6, 4, 1, p), EPS);
    assertClose(grads[0], numeric, ATOL, RTOL, "preserve_shape");
  }

  @Test
  void softmaxOutputProbabilityLabelGradientIsOutputMinusTarget() {
    var h = new OpHarness<>(Operators.SOFTMAX_OUTPUT, SoftmaxOutput.Params.defaults(),
        Shape.of(2, 3), Shape.of(2, 3));
    float[] target = {0.2f, 0.5f, 0.3f, 1f, 0f, 0f};
    float[][] in = {TestData.uniform(rnd, 6, -2, 2), target};
    float[][] grads = h.backward(in, null, h.writeAllBut(1), null);
    double[] numeric = h.numericGradient(in, 0, outs -> {
      double l = 0;
      for (int i = 0; i < 6; i++) {
        l -= target[i] * Math.log(outs[0][i]);
      }
      return l;
    }, EPS);
    assertClose(grads[0], numeric, ATOL, RTOL, "probability label");
  }

  @Test
  void softmaxOutputOutGradMultipliesByHeadGradient() {
    var p = SoftmaxOutput.Params.defaults().withOutGrad(true);
    var h = new OpHarness<>(Operators.SOFTMAX_OUTPUT, p, Shape.of(2, 3), Shape.of(2));
    float[][] in = {TestData.uniform(rnd, 6, -2, 2), new float[] {2, 0}};
    float[] og = TestData.uniform(rnd, 6, 0.5, 2);
    float[] prob = h.forward(in)[0];
    float[][] grads = h.backward(in, new float[][] {og}, h.writeAllBut(1), null);
    double[] expected = new double[6];
    for (int i = 0; i < 6; i++) {
      int target = i < 3 ? 2 : 0;
      expected[i] = (prob[i] - (i % 3 == target ? 1.0 : 0.0)) * og[i];
    }
    assertClose(grads[0], expected, 1e-6, 1e-5, "out_grad");
    assertThat(Operators.SOFTMAX_OUTPUT.backwardNeedsOutputGrad(p)).isTrue();
    assertThat(Operators.SOFTMAX_OUTPUT.backwardNeedsOutputGrad(SoftmaxOutput.Params.defaults()))
        .isFalse();
  }

  @Test
  void addRequestAccumulatesOntoExistingGradient() {
    var h = new OpHarness<>(Operators.FULLY_CONNECTED, FullyConnected.Params.of(2),
        Shape.of(3, 4), Shape.of(2, 4), Shape.of(2));
    float[][] in = {TestData.uniform(rnd, 12, -1, 1), TestData.uniform(rnd, 8, -1, 1),
        TestData.uniform(rnd, 2, -1, 1)};
    float[][] og = {TestData.uniform(rnd, 6, -1, 1)};
    float[][] written = h.backward(in, og, h.writeAllBut(), null);
    float[][] before = {TestData.uniform(rnd, 12, -1, 1), TestData.uniform(rnd, 8, -1, 1),
        TestData.uniform(rnd, 2, -1, 1)};
    GradReq[] add = {GradReq.ADD, GradReq.ADD, GradReq.ADD};
    float[][] added = h.backward(in, og, add, before);
    for (int i = 0; i < 3; i++) {
      double[] expected = new double[before[i].length];
      for (int j = 0; j < expected.length; j++) {
        expected[j] = (double) before[i][j] + written[i][j];
      }
      assertClose(added[i], expected, 1e-6, 1e-6, "add input " + i);
    }
  }

  @Test
  void softmaxOutputRejectsLabelOutsideClassRange() {
    var h = new OpHarness<>(Operators.SOFTMAX_OUTPUT, SoftmaxOutput.Params.defaults(),
        Shape.of(2, 3), Shape.of(2));
    float[][] in = {new float[6], new float[] {1, 3}};
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> h.backward(in, null, h.writeAllBut(1), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 3.0")
        .hasMessageContaining("[0, 3)");
  }
}
