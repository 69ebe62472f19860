package org.kindling.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.SeededProperty;

class LinalgTest {

  private static void assertClose(float[] actual, float[] expected, int k) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-4f * (k + 1)));
    }
  }

  /** Sizes of a product and the seed of its values. */
  record GemmCase(boolean transA, boolean transB, int m, int k, int n, long seed) {}

  @Test
  void dotMatchesTheReference() {
    SeededProperty.check(25,
        r -> new GemmCase(false, false, r.nextInt(0, 41), r.nextInt(0, 41), r.nextInt(0, 41),
            r.nextLong()),
        c -> dotMatchesTheReference(c.m(), c.k(), c.n(), c.seed()));
  }

  private static void dotMatchesTheReference(int m, int k, int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = ElementwiseTest.random(rnd, m * k);
    float[] y = ElementwiseTest.random(rnd, k * n);
    NDArray out = Linalg.dot(NDArray.of(x, Shape.of(m, k)), NDArray.of(y, Shape.of(k, n)));
    float[] expected = new float[m * n];
    ReferenceKernels.gemm(false, false, m, n, k, 1f, x, 0, k, y, 0, n, 0f, expected, 0, n);
    assertThat(out.shape()).isEqualTo(Shape.of(m, n));
    assertClose(out.toFloatArray(), expected, k);
  }

  @Test
  void dotMatchesTheReferenceForEveryTranspose() {
    SeededProperty.check(25,
        r -> new GemmCase(r.nextBoolean(), r.nextBoolean(), r.nextInt(1, 21), r.nextInt(1, 21),
            r.nextInt(1, 21), r.nextLong()),
        c -> dotWithTransposes(c.transA(), c.transB(), c.m(), c.k(), c.n(), c.seed()));
  }

  private static void dotWithTransposes(boolean transA, boolean transB, int m, int k, int n,
      long seed) {
    Random rnd = new Random(seed);
    float[] x = ElementwiseTest.random(rnd, m * k);
    float[] y = ElementwiseTest.random(rnd, k * n);
    NDArray a = NDArray.of(x, transA ? Shape.of(k, m) : Shape.of(m, k));
    NDArray b = NDArray.of(y, transB ? Shape.of(n, k) : Shape.of(k, n));
    NDArray c = Linalg.dot(a, transA, b, transB);
    float[] expected = new float[m * n];
    ReferenceKernels.gemm(transA, transB, m, n, k, 1f, x, 0, transA ? m : k, y, 0,
        transB ? k : n, 0f, expected, 0, n);
    assertThat(c.shape()).isEqualTo(Shape.of(m, n));
    assertClose(c.toFloatArray(), expected, k);
  }

  @Test
  void dotOfAnArrayWithItsOwnTransposeReadsItOnce() {
    NDArray a = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3));
    assertThat(Linalg.dot(a, false, a, true).toFloatArray()).containsExactly(14, 32, 32, 77);
  }

  @Test
  void batchDotMultipliesEachPairOfMatrices() {
    NDArray a = NDArray.of(new float[] {1, 2, 3, 4, 1, 0, 0, 1}, Shape.of(2, 2, 2));
    NDArray b = NDArray.of(new float[] {1, 0, 0, 1, 5, 6, 7, 8}, Shape.of(2, 2, 2));
    assertThat(Linalg.batchDot(a, false, b, false).toFloatArray())
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void shapeErrorsNameTheShapes() {
    assertThatThrownBy(() -> Linalg.dot(NDArray.zeros(2, 3), NDArray.zeros(4, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dot")
        .hasMessageContaining("(2, 3)")
        .hasMessageContaining("(4, 5)");
  }
}
