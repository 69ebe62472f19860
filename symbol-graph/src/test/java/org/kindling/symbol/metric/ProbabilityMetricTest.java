package org.kindling.symbol.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.kindling.symbol.metric.TestArrays.f32;
import static org.kindling.symbol.metric.TestArrays.i64;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.SeededProperty;

/** Cross-entropy, negative log-likelihood and perplexity against the formulas in float64. */
class ProbabilityMetricTest {
  private static final NDArray DOC_PRED = f32(Shape.of(3, 2), 0.3, 0.7, 0, 1, 0.4, 0.6);
  private static final NDArray DOC_LABEL = f32(Shape.of(3), 0, 1, 1);

  private record Batch(int rows, int classes, double[] pred, double[] label) {}

  private static List<Batch> batches(Random r) {
    int classes = 2 + r.nextInt(6);
    return List.of(batch(r, classes), batch(r, classes), batch(r, classes));
  }

  private static Batch batch(Random r, int classes) {
    int rows = 1 + r.nextInt(12);
    return new Batch(rows, classes, TestArrays.probabilities(r, rows, classes),
        TestArrays.labels(r, rows, classes));
  }

  @Test
  void crossEntropyAndNllAreTheMeanNegativeLogProbabilityOfTheLabel() {
    // MXNet's docstring: ('cross-entropy', 0.57159948348999023)
    CrossEntropy ce = new CrossEntropy();
    ce.update(List.of(DOC_LABEL), List.of(DOC_PRED));
    double doc = -(Math.log(0.3f + 1e-12) + Math.log(1 + 1e-12) + Math.log(0.6f + 1e-12)) / 3;
    assertThat(ce.get().value()).isCloseTo(doc, within(1e-12))
        .isCloseTo(0.57159948348999023, within(1e-7));
    SeededProperty.check(20, ProbabilityMetricTest::batches, bs -> {
      CrossEntropy c = new CrossEntropy(1e-3);
      NegativeLogLikelihood nll = new NegativeLogLikelihood(1e-3);
      double sum = 0;
      int n = 0;
      for (Batch b : bs) {
        for (int i = 0; i < b.rows; i++) {
          sum -= Math.log(b.pred[i * b.classes + (int) b.label[i]] + 1e-3);
        }
        n += b.rows;
        for (EvalMetric m : List.<EvalMetric>of(c, nll)) {
          m.update(List.of(f32(Shape.of(b.rows), b.label)),
              List.of(f32(Shape.of(b.rows, b.classes), b.pred)));
        }
      }
      assertThat(c.get().value()).isCloseTo(sum / n, within(1e-12));
      assertThat(nll.get()).isEqualTo(new MetricValue("nll-loss", c.get().value()));
      assertThat(c.numInst()).isEqualTo(n);
    });
  }

  @Test
  void crossEntropySkipsPaddingAndRejectsLabelsOutsideTheClasses() {
    CrossEntropy ce = new CrossEntropy();
    ce.update(List.of(i64(Shape.of(3), 0, 1, 1)), List.of(DOC_PRED), 1);
    assertThat(ce.get().value())
        .isCloseTo(-(Math.log(0.3f + 1e-12) + Math.log(1 + 1e-12)) / 2, within(1e-12));
    assertThatThrownBy(() -> ce.update(List.of(f32(Shape.of(3), 5, 0, 0)), List.of(DOC_PRED)))
        .hasMessageContaining("cross-entropy: label 5.0 in row 0 is outside [0, 2)");
    assertThatThrownBy(() -> ce.update(List.of(f32(Shape.of(2), 0, 0)), List.of(DOC_PRED)))
        .hasMessageContaining("2 values for 3 prediction rows");
  }

  @Test
  void perplexityIsExpOfTheMeanNllWithIgnoredLabelsAndClippedIndices() {
    // MXNet's docstring: ('Perplexity', 1.7710976285155853) with ignore_label=None
    Perplexity all = new Perplexity(null);
    all.update(List.of(DOC_LABEL), List.of(DOC_PRED));
    double doc = Math.exp(-(Math.log(0.3f) + Math.log(1) + Math.log(0.6f)) / 3);
    assertThat(all.get()).isEqualTo(new MetricValue("perplexity", all.get().value()));
    assertThat(all.get().value()).isCloseTo(doc, within(1e-12))
        .isCloseTo(1.7710976285155853, within(1e-6));
    // ignoring label 1 leaves row 0 only; a zero probability is floored at 1e-10
    Perplexity ignore = new Perplexity(1);
    ignore.update(List.of(DOC_LABEL), List.of(DOC_PRED));
    assertThat(ignore.get().value()).isCloseTo(1 / (double) 0.3f, within(1e-12));
    assertThat(ignore.numInst()).isEqualTo(1);
    Perplexity floor = new Perplexity(null);
    floor.update(List.of(f32(Shape.of(1), 0)), List.of(f32(Shape.of(1, 2), 0, 1)));
    assertThat(floor.get().value()).isCloseTo(1e10, within(1e-3));
    // labels -1 and 7 clip to classes 0 and 1 (pick in clip mode)
    Perplexity clip = new Perplexity(null);
    clip.update(List.of(f32(Shape.of(2), -1, 7)), List.of(f32(Shape.of(2, 2), 0.25, 0.75,
        0.5, 0.5)));
    assertThat(clip.get().value()).isCloseTo(Math.exp(-(Math.log(0.25) + Math.log(0.5)) / 2),
        within(1e-12));
  }

  @Test
  void perplexityPicksAlongAnyAxisAndKeepsGlobalSums() {
    SeededProperty.check(20, r -> {
      int batch = 1 + r.nextInt(4);
      int classes = 2 + r.nextInt(4);
      int steps = 1 + r.nextInt(5);
      return new Object[] {new int[] {batch, classes, steps},
          TestArrays.uniform(r, batch * classes * steps, 0.01, 1),
          TestArrays.labels(r, batch * steps, classes + 1)}; // label == classes is ignored
    }, c -> {
      int[] d = (int[]) c[0];
      double[] pred = (double[]) c[1];
      double[] label = (double[]) c[2];
      double sum = 0;
      int n = 0;
      for (int b = 0; b < d[0]; b++) {
        for (int t = 0; t < d[2]; t++) {
          int l = (int) label[b * d[2] + t];
          if (l != d[1]) {
            sum -= Math.log(pred[(b * d[1] + l) * d[2] + t]);
            n++;
          }
        }
      }
      Perplexity p = new Perplexity(d[1], 1);
      p.update(List.of(f32(Shape.of(d[0], d[2]), label)),
          List.of(f32(Shape.of(d[0], d[1], d[2]), pred)));
      assertThat(p.numInst()).isEqualTo(n);
      if (n == 0) {
        assertThat(p.get().value()).isNaN();
      } else {
        double expected = Math.exp(sum / n);
        assertThat(p.get().value()).isCloseTo(expected, within(1e-12 * expected));
      }
    });
    Perplexity p = new Perplexity(null);
    p.update(List.of(DOC_LABEL), List.of(DOC_PRED));
    p.resetLocal();
    p.update(List.of(f32(Shape.of(1), 1)), List.of(f32(Shape.of(1, 2), 0.5, 0.5)));
    assertThat(p.get().value()).isCloseTo(2, within(1e-12));
    assertThat(p.getGlobal().value()).isCloseTo(
        Math.exp(-(Math.log(0.3f) + Math.log(0.6f) + Math.log(0.5)) / 4), within(1e-12));
    assertThatThrownBy(() -> p.update(List.of(f32(Shape.of(2), 0, 1)), List.of(DOC_PRED)))
        .hasMessageContaining("perplexity: labels (2,) hold 2 values");
  }
}
