package org.kindling.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.SeededProperty;

class ReductionsTest {

  /** One case: a 3-d shape, an axis (negative counts from the end) and the values. */
  record SumCase(int[] dims, int axis, float[] x) {}

  @Test
  void sumOverAnAxisMatchesTheReference() {
    SeededProperty.check(30, r -> {
      int[] dims = {r.nextInt(0, 6), r.nextInt(0, 6), r.nextInt(1, 5001)};
      return new SumCase(dims, r.nextInt(-3, 3),
          ElementwiseTest.random(r, dims[0] * dims[1] * dims[2]));
    }, c -> sumOverAnAxisMatchesTheReference(c.dims(), c.axis(), c.x()));
  }

  private static void sumOverAnAxisMatchesTheReference(int[] dims, int axis, float[] x) {
    NDArray a = NDArray.of(x, Shape.of(dims));
    NDArray s = Reductions.sum(a, axis);
    int ax = Math.floorMod(axis, 3);
    int[] outDims = new int[2];
    for (int i = 0, j = 0; i < 3; i++) {
      if (i != ax) {
        outDims[j++] = dims[i];
      }
    }
    assertThat(s.shape()).isEqualTo(Shape.of(outDims));
    assertThat(s.toFloatArray()).containsExactly(ReferenceKernels.sum(x, dims, ax));
    assertThat(Reductions.sum(a)).isEqualTo((float) ReferenceKernels.sum(x)); // one float32 rounding
  }

  @Test
  void sumWaitsForPendingWrites() {
    NDArray a = NDArray.zeros(1000);
    a.fill(0.5f);
    Elementwise.scaleInPlace(a, 4f);
    assertThat(Reductions.sum(a)).isEqualTo(2000.0);
  }

  @Test
  void sumOfAVectorOverItsAxisIsAOneElementArrayAsInMxnet() {
    NDArray a = NDArray.of(new float[] {1, 2, 3.5f}, Shape.of(3));
    NDArray s = Reductions.sum(a, 0);
    assertThat(s.shape()).isEqualTo(Shape.of(1)); // MXNet's legacy shapes have no 0-d arrays
    assertThat(s.toFloatArray()).containsExactly(6.5f);
  }

  @Test
  void rejectsBadAxes() {
    assertThatThrownBy(() -> Reductions.sum(NDArray.zeros(2, 3), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("axis 2 is out of range for (2, 3)");
  }
}
