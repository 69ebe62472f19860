package org.kindling.tensor.op.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AllTypes;

/** Embedding's index handling on MXNet's CPU: truncation, clipping, and the scatter-add. */
class EmbeddingTest {
  @Test
  void indicesAreTruncatedThenClippedIntoTheVocabulary() {
    Embedding.Params p = Embedding.Params.of(4, 2);
    var h = new KernelHarness<>(Embedding.OP, p, new Shape[] {Shape.of(6), Shape.of(4, 2)},
        new DType[] {DType.FLOAT32, DType.FLOAT32});
    assertThat(h.out[0].shape()).isEqualTo(Shape.of(6, 2));
    KernelHarness.set(h.in[0], -1, 0, 2.7, 10, Double.NaN, -0.5);
    KernelHarness.set(h.in[1], 0, 1, 10, 11, 20, 21, 30, 31);
    h.forward(false, 1);
    // rows 0, 0, 2, 3 (last), 0 (NaN), 0 (-0.5 truncates to 0)
    assertThat(KernelHarness.get(h.out[0]))
        .containsExactly(0, 1, 0, 1, 20, 21, 30, 31, 0, 1, 0, 1);
  }

  @Test
  void theWeightGradientAddsTheRowsOfRepeatedIndices() {
    Embedding.Params p = Embedding.Params.of(3, 2);
    var h = new KernelHarness<>(Embedding.OP, p, new Shape[] {Shape.of(2, 2), Shape.of(3, 2)},
        new DType[] {DType.INT32, DType.FLOAT32});
    KernelHarness.set(h.in[0], 1, 1, 7, 0);
    h.forward(true, 1);
    var g = h.backward(true, 1, new double[][] {{1, 2, 3, 4, 5, 6, 7, 8}}, false, true);
    assertThat(KernelHarness.get(g[1])).containsExactly(7, 8, 1 + 3, 2 + 4, 5, 6);
  }

  @Test
  void theWeightTypeComesFromDtypeAndForwardCopiesAnyType() {
    Embedding.Params p = Embedding.Params.of(3, 1).withDtype(AllTypes.FLOAT64);
    var h = new KernelHarness<>(Embedding.OP, p, new Shape[] {Shape.of(2), null},
        new DType[] {DType.INT64, null});
    assertThat(h.in[1].dtype()).isEqualTo(DType.FLOAT64);
    assertThat(h.out[0].dtype()).isEqualTo(DType.FLOAT64);
    KernelHarness.set(h.in[0], 2, 0);
    KernelHarness.set(h.in[1], 0.1, 0.2, 0.3);
    h.forward(false, 1);
    assertThat(KernelHarness.get(h.out[0])).containsExactly(0.3, 0.1);
  }
}
