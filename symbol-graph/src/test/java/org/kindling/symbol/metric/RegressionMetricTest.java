package org.kindling.symbol.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.kindling.symbol.metric.TestArrays.f32;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.SeededProperty;

/** MAE, MSE, RMSE, Pearson correlation and Loss against the formulas in float64. */
class RegressionMetricTest {
  /** MXNet's docstring example for MAE, MSE and RMSE. */
  private static final NDArray DOC_PRED = f32(Shape.of(4, 1), 3, -0.5, 2, 7);
  private static final NDArray DOC_LABEL = f32(Shape.of(4, 1), 2.5, 0.0, 2, 8);

  private static List<double[][]> batches(Random r) {
    int width = 1 + r.nextInt(3);
    return List.of(batch(r, width), batch(r, width), batch(r, width));
  }

  private static double[][] batch(Random r, int width) {
    int rows = 2 + r.nextInt(10);
    return new double[][] {TestArrays.uniform(r, rows * width, -3, 3),
        TestArrays.uniform(r, rows * width, -3, 3), {rows, width}};
  }

  @Test
  void regressionErrorsMatchMxnetsExample() {
    MAE mae = new MAE();
    MSE mse = new MSE();
    RMSE rmse = new RMSE();
    for (EvalMetric m : List.<EvalMetric>of(mae, mse, rmse)) {
      m.update(List.of(DOC_LABEL), List.of(DOC_PRED));
    }
    assertThat(mae.get()).isEqualTo(new MetricValue("mae", 0.5));
    assertThat(mse.get()).isEqualTo(new MetricValue("mse", 0.375));
    assertThat(rmse.get().name()).isEqualTo("rmse");
    // MXNet prints 0.612372457981, computed in float32
    assertThat(rmse.get().value()).isCloseTo(Math.sqrt(0.375), within(1e-15))
        .isCloseTo(0.612372457981, within(1e-7));
  }

  @Test
  void errorsAreAveragedPerBatchAsInMxnet() {
    SeededProperty.check(20, RegressionMetricTest::batches, bs -> {
      MAE mae = new MAE();
      MSE mse = new MSE();
      RMSE rmse = new RMSE();
      double maeSum = 0;
      double mseSum = 0;
      double rmseSum = 0;
      for (double[][] b : bs) {
        int rows = (int) b[2][0];
        int width = (int) b[2][1];
        double abs = 0;
        double sq = 0;
        for (int i = 0; i < b[0].length; i++) {
          abs += Math.abs(b[0][i] - b[1][i]);
          sq += (b[0][i] - b[1][i]) * (b[0][i] - b[1][i]);
        }
        maeSum += abs / b[0].length;
        mseSum += sq / b[0].length;
        rmseSum += Math.sqrt(sq / b[0].length);
        // a 1-D pair is a column, as MXNet reshapes it
        Shape shape = width == 1 ? Shape.of(rows) : Shape.of(rows, width);
        for (EvalMetric m : List.<EvalMetric>of(mae, mse, rmse)) {
          m.update(List.of(f32(shape, b[0])), List.of(f32(shape, b[1])));
        }
      }
      assertThat(mae.get().value()).isCloseTo(maeSum / 3, within(1e-12));
      assertThat(mse.get().value()).isCloseTo(mseSum / 3, within(1e-12));
      assertThat(rmse.get().value()).isCloseTo(rmseSum / 3, within(1e-12));
      assertThat(rmse.numInst()).isEqualTo(3);
    });
    // two batches: the mean of the roots (1 + 3) / 2, not the root of the mean square sqrt(5)
    RMSE rmse = new RMSE();
    rmse.update(List.of(f32(Shape.of(1), 0)), List.of(f32(Shape.of(1), 1)));
    rmse.update(List.of(f32(Shape.of(1), 0)), List.of(f32(Shape.of(1), 3)));
    assertThat(rmse.get().value()).isEqualTo(2.0);
  }

  @Test
  void labelsAndPredictionsBroadcastAsNumpy() {
    // label (2,) becomes (2, 1) and broadcasts against predictions (2, 3)
    MSE mse = new MSE();
    mse.update(List.of(f32(Shape.of(2), 1, 2)),
        List.of(f32(Shape.of(2, 3), 1, 2, 3, 2, 2, 2)));
    assertThat(mse.get().value()).isCloseTo((0 + 1 + 4 + 0 + 0 + 0) / 6.0, within(1e-12));
    MAE mae = new MAE();
    mae.update(List.of(f32(Shape.of(1, 3), 1, 2, 3)),
        List.of(f32(Shape.of(2, 1), 0, 1)));
    assertThat(mae.get().value()).isCloseTo((1 + 2 + 3 + 0 + 1 + 2) / 6.0, within(1e-12));
    assertThatThrownBy(() -> mae.update(List.of(f32(Shape.of(2, 3), 1, 2, 3, 4, 5, 6)),
        List.of(f32(Shape.of(2, 2), 1, 2, 3, 4))))
        .hasMessageContaining("mae: labels (2, 3) and predictions (2, 2)")
        .hasMessageContaining("do not broadcast");
  }

  @Test
  void pearsonMatchesMxnetsExampleMacroAveragesPairsMicroPoolsElements() {
    // MXNet's docstring: ('pearsonr', 0.42163704544016178)
    PearsonCorrelation doc = new PearsonCorrelation();
    doc.update(List.of(f32(Shape.of(3, 2), 1, 0, 0, 1, 0, 1)),
        List.of(f32(Shape.of(3, 2), 0.3, 0.7, 0, 1, 0.4, 0.6)));
    assertThat(doc.get().value()).isCloseTo(0.42163704544016178, within(1e-7));
    SeededProperty.check(20, RegressionMetricTest::batches, bs -> {
      PearsonCorrelation macro = new PearsonCorrelation();
      PearsonCorrelation micro = new PearsonCorrelation(Average.MICRO);
      double macroSum = 0;
      int total = 0;
      for (double[][] b : bs) {
        macroSum += pearson(b[0], b[1], b[0].length);
        total += b[0].length;
        Shape shape = Shape.of((int) b[2][0], (int) b[2][1]);
        for (EvalMetric m : List.<EvalMetric>of(macro, micro)) {
          m.update(List.of(f32(shape, b[0])), List.of(f32(shape, b[1])));
        }
      }
      double[] labels = new double[total];
      double[] preds = new double[total];
      int at = 0;
      for (double[][] b : bs) {
        System.arraycopy(b[0], 0, labels, at, b[0].length);
        System.arraycopy(b[1], 0, preds, at, b[1].length);
        at += b[0].length;
      }
      assertThat(macro.get().value()).isCloseTo(macroSum / 3, within(1e-12));
      assertThat(micro.get().value()).isCloseTo(pearson(labels, preds, total), within(1e-12));
    });
  }

  /** Two-pass Pearson correlation. */
  private static double pearson(double[] x, double[] y, int n) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i] / n;
      my += y[i] / n;
    }
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  @Test
  void pearsonMicroSeparatesLocalFromGlobalAndNeedsEqualShapes() {
    PearsonCorrelation micro = new PearsonCorrelation(Average.MICRO);
    micro.update(List.of(f32(Shape.of(3), 1, 2, 3)), List.of(f32(Shape.of(3), 1, 2, 3)));
    micro.resetLocal();
    micro.update(List.of(f32(Shape.of(3), 1, 2, 3)), List.of(f32(Shape.of(3), 3, 2, 1)));
    assertThat(micro.get().value()).isCloseTo(-1, within(1e-12));
    assertThat(micro.getGlobal().value()).isCloseTo(0, within(1e-12));
    assertThatThrownBy(() -> micro.merge(1, 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> micro.update(List.of(f32(Shape.of(3), 1, 2, 3)),
        List.of(f32(Shape.of(3, 1), 1, 2, 3)))).hasMessageContaining("same shape");
    PearsonCorrelation constant = new PearsonCorrelation();
    constant.update(List.of(f32(Shape.of(2), 1, 1)), List.of(f32(Shape.of(2), 1, 2)));
    assertThat(constant.get().value()).isNaN();
  }

  @Test
  void lossIsTheMeanOfTheOutputsWhateverTheLabels() {
    Loss loss = new Loss();
    loss.update(List.of(), List.of(f32(Shape.of(2), 1, 2), f32(Shape.of(2, 2), 3, 4, 5, 6)));
    assertThat(loss.get()).isEqualTo(new MetricValue("loss", 21 / 6.0));
    assertThat(loss.numInst()).isEqualTo(6);
    loss.update(List.of(f32(Shape.of(2), 0, 0)), List.of(f32(Shape.of(2), 9, 100)), 1);
    assertThat(loss.get().value()).isEqualTo(30 / 7.0);
  }
}
