package org.kindling.symbol.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

class MetricTest {
  private static final NDArray PRED = NDArray.of(new float[] {
      0.1f, 0.7f, 0.2f,
      0.8f, 0.1f, 0.1f,
      0.3f, 0.3f, 0.4f,
      0.2f, 0.5f, 0.3f}, Shape.of(4, 3));

  @Test
  void accuracyCountsArgmaxMatchesAndSkipsPaddedRows() {
    Accuracy acc = new Accuracy();
    assertThat(acc.get().value()).isNaN();
    NDArray label = NDArray.of(new float[] {1, 0, 0, 2}, Shape.of(4));
    acc.update(List.of(label), List.of(PRED));
    assertThat(acc.get()).isEqualTo(new MetricValue("accuracy", 0.5));
    acc.reset();
    acc.update(List.of(label), List.of(PRED), 2); // rows 2 and 3 are padding
    assertThat(acc.get().value()).isEqualTo(1.0);
    assertThat(acc.numInst()).isEqualTo(2);
    acc.merge(1, 2);
    assertThat(acc.get().value()).isEqualTo(0.75);
  }

  @Test
  void accuracyAcceptsClassIndexPredictions() {
    Accuracy acc = new Accuracy();
    acc.update(List.of(NDArray.of(new float[] {1, 2, 3}, Shape.of(3))),
        List.of(NDArray.of(new float[] {1, 0, 3}, Shape.of(3))));
    assertThat(acc.get().value()).isCloseTo(2 / 3.0, within(1e-12));
  }

  @Test
  void crossEntropyAveragesNegativeLogLikelihood() {
    CrossEntropy ce = new CrossEntropy();
    ce.update(List.of(NDArray.of(new float[] {1, 0, 2, 1}, Shape.of(4))), List.of(PRED), 1);
    double expected = -(Math.log(0.7f + 1e-12) + Math.log(0.8f + 1e-12)
        + Math.log(0.4f + 1e-12)) / 3;
    assertThat(ce.get().name()).isEqualTo("cross-entropy");
    assertThat(ce.get().value()).isCloseTo(expected, within(1e-9));
    assertThatThrownBy(() -> ce.update(List.of(NDArray.of(new float[] {5, 0, 0, 0},
        Shape.of(4))), List.of(PRED), 0)).hasMessageContaining("label 5.0");
  }

  @Test
  void mismatchedInputsAreRejected() {
    Accuracy acc = new Accuracy();
    assertThatThrownBy(() -> acc.update(List.of(NDArray.zeros(3)), List.of(PRED)))
        .hasMessageContaining("accuracy: labels (3,) hold 3 values but predictions (4, 3) "
            + "give 4 classes");
    assertThatThrownBy(() -> acc.update(List.of(NDArray.zeros(4)), List.of(PRED), 4))
        .hasMessageContaining("pad 4");
    assertThatThrownBy(() -> acc.update(List.of(NDArray.zeros(4)), List.of(PRED), -1))
        .hasMessageContaining("pad -1");
    assertThatThrownBy(() -> acc.update(List.of(), List.of(PRED)))
        .hasMessageContaining("0 label arrays");
  }
}
