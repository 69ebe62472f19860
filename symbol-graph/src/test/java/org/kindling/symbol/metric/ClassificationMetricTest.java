package org.kindling.symbol.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.kindling.symbol.metric.TestArrays.f32;
import static org.kindling.symbol.metric.TestArrays.i32;
import static org.kindling.symbol.metric.TestArrays.i64;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.SeededProperty;

/** Accuracy, top-k accuracy, F1 and composites against hand-computed values. */
class ClassificationMetricTest {
  /** MXNet's docstring example for Accuracy, F1 and CompositeEvalMetric. */
  private static final NDArray DOC_PRED = f32(Shape.of(3, 2), 0.3, 0.7, 0, 1, 0.4, 0.6);
  private static final NDArray DOC_LABEL = f32(Shape.of(3), 0, 1, 1);

  private record Case(int rows, int classes, int topK, double[] pred, double[] label) {}

  private static Case randomCase(Random r) {
    int rows = 1 + r.nextInt(20);
    int classes = 2 + r.nextInt(8);
    double[] pred = TestArrays.uniform(r, rows * classes, 0, 1);
    // some ties, which the rules must settle
    for (int i = 0; i < pred.length; i++) {
      if (r.nextInt(4) == 0) {
        pred[i] = 0.5;
      }
    }
    return new Case(rows, classes, 2 + r.nextInt(classes - 1), pred,
        TestArrays.labels(r, rows, classes));
  }

  @Test
  void accuracyMatchesMxnetsExampleAndArgmaxByHand() {
    Accuracy acc = new Accuracy();
    acc.update(List.of(DOC_LABEL), List.of(DOC_PRED));
    assertThat(acc.get()).isEqualTo(new MetricValue("accuracy", 2 / 3.0));
    SeededProperty.check(30, ClassificationMetricTest::randomCase, c -> {
      long correct = 0;
      for (int row = 0; row < c.rows; row++) {
        int best = 0;
        for (int k = 1; k < c.classes; k++) {
          if (c.pred[row * c.classes + k] > c.pred[row * c.classes + best]) {
            best = k;
          }
        }
        correct += best == (int) c.label[row] ? 1 : 0;
      }
      Accuracy a = new Accuracy();
      a.update(List.of(f32(Shape.of(c.rows), c.label)),
          List.of(f32(Shape.of(c.rows, c.classes), c.pred)));
      assertThat(a.sumMetric()).isEqualTo(correct);
      assertThat(a.numInst()).isEqualTo(c.rows);
    });
  }

  @Test
  void accuracyReadsLabelsOfAnyTypeAndClassIndexPredictions() {
    Accuracy acc = new Accuracy();
    acc.update(List.of(i64(Shape.of(3), 0, 1, 0)), List.of(DOC_PRED));
    acc.update(List.of(i32(Shape.of(3), 1, 1, 1)), List.of(DOC_PRED));
    assertThat(acc.sumMetric()).isEqualTo(1 + 3); // every row predicts class 1
    // a prediction shaped like its label holds classes; both truncate to int32
    Accuracy idx = new Accuracy();
    idx.update(List.of(f32(Shape.of(4), 1, 0, 2.9, 3)),
        List.of(f32(Shape.of(4), 1.7, 0.2, 2, 0)));
    assertThat(idx.get().value()).isEqualTo(0.75);
  }

  @Test
  void accuracyReducesTheGivenAxisAndFlattens() {
    // (batch 2, classes 3, steps 2): classes along axis 1, one label per (batch, step)
    NDArray pred = f32(Shape.of(2, 3, 2),
        0.1, 0.9, 0.8, 0.0, 0.1, 0.1,
        0.2, 0.3, 0.3, 0.3, 0.5, 0.3);
    NDArray label = f32(Shape.of(2, 2), 1, 0, 2, 2);
    Accuracy acc = new Accuracy(1);
    acc.update(List.of(label), List.of(pred));
    // argmax over axis 1: (1, 0) for batch 0; (2, 0) for batch 1 (a tie: the first wins)
    assertThat(acc.sumMetric()).isEqualTo(3);
    assertThat(acc.numInst()).isEqualTo(4);
    Accuracy last = new Accuracy(-1);
    last.update(List.of(DOC_LABEL), List.of(DOC_PRED));
    assertThat(last.sumMetric()).isEqualTo(2);
    assertThatThrownBy(() -> new Accuracy(2).update(List.of(DOC_LABEL), List.of(DOC_PRED)))
        .hasMessageContaining("accuracy: predictions (3, 2)").hasMessageContaining("axis 2");
  }

  @Test
  void localStatisticsResetWhileGlobalOnesStay() {
    Accuracy acc = new Accuracy();
    acc.update(List.of(DOC_LABEL), List.of(DOC_PRED)); // 2 of 3
    acc.resetLocal();
    assertThat(acc.get().value()).isNaN();
    acc.update(List.of(f32(Shape.of(3), 1, 1, 1)), List.of(DOC_PRED)); // 3 of 3
    assertThat(acc.get().value()).isEqualTo(1.0);
    assertThat(acc.getGlobal()).isEqualTo(new MetricValue("accuracy", 5 / 6.0));
    assertThat(acc.getGlobalNameValue()).containsExactly(acc.getGlobal());
    acc.reset();
    assertThat(acc.getGlobal().value()).isNaN();
  }

  @Test
  void topKCountsLabelsAmongTheHighestWithTiesToTheLowerIndex() {
    TopKAccuracy top2 = new TopKAccuracy(2);
    assertThat(top2.name()).isEqualTo("top_k_accuracy_2");
    NDArray pred = f32(Shape.of(4, 4),
        0.1, 0.5, 0.4, 0.0,
        0.1, 0.5, 0.4, 0.0,
        0.5, 0.5, 0.1, 0.5,
        0.5, 0.5, 0.1, 0.5);
    top2.update(List.of(f32(Shape.of(4), 2, 0, 1, 3)), List.of(pred));
    assertThat(top2.sumMetric()).isEqualTo(2); // rows 0 and 2
    assertThat(top2.numInst()).isEqualTo(4);
    SeededProperty.check(30, ClassificationMetricTest::randomCase, c -> {
      long hits = 0;
      for (int row = 0; row < c.rows; row++) {
        int offset = row * c.classes;
        Integer[] order = new Integer[c.classes];
        Arrays.setAll(order, k -> k);
        Arrays.sort(order, Comparator.comparingDouble((Integer k) -> -c.pred[offset + k])
            .thenComparingInt(k -> k));
        hits += Arrays.asList(order).subList(0, c.topK).contains((int) c.label[row]) ? 1 : 0;
      }
      TopKAccuracy t = new TopKAccuracy(c.topK);
      t.update(List.of(f32(Shape.of(c.rows), c.label)),
          List.of(f32(Shape.of(c.rows, c.classes), c.pred)));
      assertThat(t.get().value()).isEqualTo((double) hits / c.rows);
    });
  }

  @Test
  void topKRejectsWhatMxnetRejects() {
    assertThatThrownBy(() -> new TopKAccuracy(1)).hasMessageContaining("top_k must be > 1");
    assertThatThrownBy(() -> new TopKAccuracy(5).update(List.of(DOC_LABEL), List.of(DOC_PRED)))
        .hasMessageContaining("top_k 5 exceeds the 2 classes");
    assertThatThrownBy(() -> new TopKAccuracy(2).update(List.of(DOC_LABEL),
        List.of(f32(Shape.of(3), 0, 1, 2)))).hasMessageContaining("(batch, classes)");
  }

  @Test
  void f1MatchesMxnetsExampleAndAveragesMacroPerUpdateMicroOverAllRows() {
    F1 macro = new F1();
    F1 micro = new F1(Average.MICRO);
    NDArray pred2 = f32(Shape.of(2, 2), 0.9, 0.1, 0.2, 0.8);
    NDArray label2 = f32(Shape.of(2), 1, 1);
    for (F1 f : List.of(macro, micro)) {
      f.update(List.of(DOC_LABEL), List.of(DOC_PRED)); // tp 2, fp 1, fn 0: f1 = 0.8
      assertThat(f.get().value()).isCloseTo(0.8, within(1e-12));
      f.update(List.of(label2), List.of(pred2)); // tp 1, fp 0, fn 1: f1 = 2/3
    }
    assertThat(macro.get().value()).isCloseTo((0.8 + 2 / 3.0) / 2, within(1e-12));
    assertThat(macro.numInst()).isEqualTo(2);
    // micro: tp 3, fp 1, fn 1 over 5 rows
    assertThat(micro.get().value()).isCloseTo(0.75, within(1e-12));
    assertThat(micro.numInst()).isEqualTo(5);
    assertThat(micro.sumMetric()).isCloseTo(0.75 * 5, within(1e-12));
    // one update of two pairs is one macro instance scored on both
    F1 both = new F1();
    both.update(List.of(DOC_LABEL, label2), List.of(DOC_PRED, pred2));
    assertThat(both.numInst()).isEqualTo(1);
    assertThat(both.get().value()).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void f1MicroKeepsGlobalCountsAcrossResetLocal() {
    F1 micro = new F1(Average.MICRO);
    micro.update(List.of(DOC_LABEL), List.of(DOC_PRED));
    micro.resetLocal();
    micro.update(List.of(f32(Shape.of(2), 1, 1)), List.of(f32(Shape.of(2, 2), 0.9, 0.1, 0.2,
        0.8)));
    assertThat(micro.get().value()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(micro.getGlobal().value()).isCloseTo(0.75, within(1e-12));
    assertThatThrownBy(() -> micro.merge(1, 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> micro.update(List.of(f32(Shape.of(3), 0, 1, 2)),
        List.of(DOC_PRED))).hasMessageContaining("f1: supports binary classification only");
  }

  @Test
  void f1MatchesCountsOnRandomBatches() {
    SeededProperty.check(20, r -> {
      int rows = 1 + r.nextInt(30);
      return new double[][] {TestArrays.uniform(r, rows * 2, 0, 1),
          TestArrays.labels(r, rows, 2)};
    }, c -> {
      double[] pred = c[0];
      double[] label = c[1];
      int tp = 0;
      int fp = 0;
      int fn = 0;
      for (int i = 0; i < label.length; i++) {
        boolean p = pred[2 * i + 1] > pred[2 * i];
        boolean l = label[i] == 1;
        tp += p && l ? 1 : 0;
        fp += p && !l ? 1 : 0;
        fn += !p && l ? 1 : 0;
      }
      double precision = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
      double recall = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      F1 f = new F1();
      f.update(List.of(f32(Shape.of(label.length), label)),
          List.of(f32(Shape.of(label.length, 2), pred)));
      assertThat(f.get().value()).isCloseTo(f1, within(1e-12));
    });
  }

  @Test
  void compositeReportsItsChildren() {
    CompositeEvalMetric c = new CompositeEvalMetric(List.of(new Accuracy(), new F1()));
    c.update(List.of(DOC_LABEL), List.of(DOC_PRED));
    assertThat(c.getNameValue()).hasSize(2);
    assertThat(c.getNameValue().get(0)).isEqualTo(new MetricValue("accuracy", 2 / 3.0));
    assertThat(c.getNameValue().get(1).name()).isEqualTo("f1");
    assertThat(c.getNameValue().get(1).value()).isCloseTo(0.8, within(1e-12));
    assertThat(c.name()).isEqualTo("composite");
    assertThatThrownBy(c::get).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("getNameValue()");
    assertThatThrownBy(c::sumMetric).isInstanceOf(UnsupportedOperationException.class);
    c.resetLocal();
    assertThat(c.getNameValue().get(0).value()).isNaN();
    assertThat(c.getGlobalNameValue().get(0).value()).isEqualTo(2 / 3.0);
    c.reset();
    assertThat(c.getGlobalNameValue().get(0).value()).isNaN();
    assertThat(c.getMetric(1)).isInstanceOf(F1.class);
    assertThatThrownBy(() -> c.getMetric(2)).hasMessageContaining("out of range [0, 2)");
  }
}
