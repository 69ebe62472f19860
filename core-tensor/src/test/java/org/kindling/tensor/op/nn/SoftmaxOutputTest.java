package org.kindling.tensor.op.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.nn.Normalization;
import org.kindling.testing.OpRunner;

/**
 * SoftmaxOutput's gradient semantics, checked against a cross-entropy loss written here from
 * MXNet's documented behaviour, independently of the operator's own reference loss.
 */
class SoftmaxOutputTest {
  private static final double EPS = 1e-6;
  private final Random rnd = new Random(11);

  private double[] uniform(int n, double lo, double hi) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = lo + rnd.nextDouble() * (hi - lo);
    }
    return OpRunner.roundTo(a, org.kindling.tensor.DType.FLOAT32);
  }

  /** scale · Σ over non-ignored positions of −Σ_c t_c log p_c, t the (smoothed) one-hot target. */
  private static ToDoubleFunction<double[]> loss(double[] label, int rows, int k, int inner,
      SoftmaxOutput.Params p) {
    int ignore = (int) p.ignoreLabel();
    int valid = label.length;
    for (double l : label) {
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
    return prob -> {
      double l = 0;
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < inner; j++) {
          int target = (int) label[r * inner + j];
          if (p.useIgnore() && target == ignore) {
            continue;
          }
          for (int c = 0; c < k; c++) {
            double t = c == target ? 1 - alpha : alpha / (k - 1);
            l -= t * Math.log(prob[(r * k + c) * inner + j]);
          }
        }
      }
      return scale * l;
    };
  }

  private double[][] check(SoftmaxOutput.Params p, Shape data, double[] label, int rows, int k,
      int inner) {
    return check(p, data, p.multiOutput() ? Shape.of(rows, inner) : Shape.of(label.length),
        label, rows, k, inner);
  }

  private double[][] check(SoftmaxOutput.Params p, Shape data, Shape labelShape, double[] label,
      int rows, int k, int inner) {
    OpRunner<SoftmaxOutput.Params> run =
        new OpRunner<>(SoftmaxOutput.OP, Sample.of(p, data, labelShape));
    double[][] in = {uniform(data.intSize(), -2, 2), label};
    double[][] grads = run.backward(in, new double[1][], new GradReq[] {GradReq.WRITE,
        GradReq.WRITE}, null, true, 1);
    ToDoubleFunction<double[]> objective = loss(label, rows, k, inner, p);
    for (int j = 0; j < in[0].length; j++) {
      double[][] plus = OpRunner.deepCopy(in);
      double[][] minus = OpRunner.deepCopy(in);
      plus[0][j] += EPS;
      minus[0][j] -= EPS;
      Shape[] shapes = {data, labelShape};
      double g = (objective.applyAsDouble(SoftmaxOutput.OP.reference(p, shapes, plus, true)[0])
          - objective.applyAsDouble(SoftmaxOutput.OP.reference(p, shapes, minus, true)[0]))
          / (2 * EPS);
      assertThat(grads[0][j]).as("%s gradient [%d]", p, j)
          .isCloseTo(g, org.assertj.core.data.Offset.offset(1e-4 + 1e-3 * Math.abs(g)));
    }
    assertThat(grads[1]).as("label gradient").containsOnly(0.0);
    return grads;
  }

  @Test
  void defaultGradientIsCrossEntropyGradient() {
    check(SoftmaxOutput.Params.defaults(), Shape.of(4, 5), new double[] {0, 3, 4, 1}, 4, 5, 1);
  }

  @Test
  void gradScaleAndBatchNormalizationScaleTheGradient() {
    var p = SoftmaxOutput.Params.defaults().withGradScale(2.5f)
        .withNormalization(Normalization.BATCH);
    check(p, Shape.of(4, 3), new double[] {0, 2, 1, 1}, 4, 3, 1);
  }

  @Test
  void useIgnoreWithValidNormalizationSkipsIgnoredRows() {
    var p = SoftmaxOutput.Params.defaults().withIgnoreLabel(2f)
        .withNormalization(Normalization.VALID);
    double[][] grads = check(p, Shape.of(5, 4), new double[] {0, 2, 1, 2, 3}, 5, 4, 1);
    for (int c = 0; c < 4; c++) {
      assertThat(grads[0][4 + c]).as("ignored row 1").isZero();
      assertThat(grads[0][12 + c]).as("ignored row 3").isZero();
    }
  }

  @Test
  void labelSmoothingMatchesSmoothedCrossEntropy() {
    check(SoftmaxOutput.Params.defaults().withSmoothAlpha(0.2f), Shape.of(3, 4),
        new double[] {1, 0, 3}, 3, 4, 1);
  }

  @Test
  void multiOutputNormalizesOverSpatialPositions() {
    var p = SoftmaxOutput.Params.defaults().withMultiOutput(true);
    double[] label = {0, 1, 2, 1, 2, 0, 0, 1};
    check(p, Shape.of(2, 3, 4), label, 2, 3, 4);
    check(p.withNormalization(Normalization.VALID).withIgnoreLabel(1f), Shape.of(2, 3, 4),
        label, 2, 3, 4);
  }

  @Test
  void preserveShapeUsesTheLastAxis() {
    check(SoftmaxOutput.Params.defaults().withPreserveShape(true), Shape.of(2, 3, 4),
        Shape.of(2, 3), new double[] {0, 1, 2, 3, 3, 1}, 6, 4, 1);
  }

  @Test
  void probabilityLabelGradientIsOutputMinusTarget() {
    var p = SoftmaxOutput.Params.defaults();
    OpRunner<SoftmaxOutput.Params> run =
        new OpRunner<>(SoftmaxOutput.OP, Sample.of(p, Shape.of(2, 3), Shape.of(2, 3)));
    double[] target = OpRunner.roundTo(new double[] {0.2, 0.5, 0.3, 1, 0, 0},
        org.kindling.tensor.DType.FLOAT32);
    double[][] in = {uniform(6, -2, 2), target};
    double[] prob = run.forward(OpRunner.deepCopy(in), true, 1)[0];
    double[][] grads = run.backward(in, new double[1][], new GradReq[] {GradReq.WRITE,
        GradReq.NULL}, null, true, 1);
    for (int i = 0; i < 6; i++) {
      assertThat(grads[0][i]).isCloseTo(prob[i] - target[i],
          org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void outGradMultipliesByTheHeadGradient() {
    var p = SoftmaxOutput.Params.defaults().withOutGrad(true);
    OpRunner<SoftmaxOutput.Params> run =
        new OpRunner<>(SoftmaxOutput.OP, Sample.of(p, Shape.of(2, 3), Shape.of(2)));
    double[][] in = {uniform(6, -2, 2), new double[] {2, 0}};
    double[] og = uniform(6, 0.5, 2);
    double[] prob = run.forward(OpRunner.deepCopy(in), true, 1)[0];
    double[][] grads = run.backward(in, new double[][] {og}, new GradReq[] {GradReq.WRITE,
        GradReq.NULL}, null, true, 1);
    for (int i = 0; i < 6; i++) {
      int target = i < 3 ? 2 : 0;
      double expected = (prob[i] - (i % 3 == target ? 1.0 : 0.0)) * og[i];
      assertThat(grads[0][i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
    }
    assertThat(SoftmaxOutput.OP.backwardDeps(p).outputGrads()).isTrue();
    assertThat(SoftmaxOutput.OP.backwardDeps(SoftmaxOutput.Params.defaults()).outputGrads())
        .isFalse();
  }

  @Test
  void aLabelOutsideTheClassRangeIsAnError() {
    OpRunner<SoftmaxOutput.Params> run = new OpRunner<>(SoftmaxOutput.OP,
        Sample.of(SoftmaxOutput.Params.defaults(), Shape.of(2, 3), Shape.of(2)));
    double[][] in = {new double[6], new double[] {1, 3}};
    assertThatThrownBy(() -> run.backward(in, new double[1][], new GradReq[] {GradReq.WRITE,
        GradReq.NULL}, null, true, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 3.0")
        .hasMessageContaining("[0, 3)");
  }
}
