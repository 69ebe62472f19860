package org.kindling.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.SeededProperty;

class ElementwiseTest {
  static float[] random(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextFloat() * 20 - 10;
    }
    return v;
  }

  /** A length around the kernels' 4096-float chunk, so partial chunks are covered. */
  record SizeCase(int n, long seed) {
    static SizeCase draw(Random r) {
      return new SizeCase(r.nextInt(0, 9001), r.nextLong());
    }
  }

  @Test
  void binaryOperationsMatchTheReference() {
    SeededProperty.check(30, SizeCase::draw, c -> binaryOperationsMatchTheReference(c.n(), c.seed()));
  }

  private static void binaryOperationsMatchTheReference(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = random(rnd, n);
    float[] y = random(rnd, n);
    NDArray a = NDArray.of(x, Shape.of(n));
    NDArray b = NDArray.of(y, Shape.of(n));
    check(Elementwise.add(a, b), ReferenceKernels.add(x, y));
    check(Elementwise.subtract(a, b), ReferenceKernels.subtract(x, y));
    check(Elementwise.multiply(a, b), ReferenceKernels.multiply(x, y));
    check(Elementwise.divide(a, b), ReferenceKernels.divide(x, y));
  }

  @Test
  void scalarOperationsAndReluMatchTheReference() {
    SeededProperty.check(20, SizeCase::draw,
        c -> scalarOperationsAndReluMatchTheReference(c.n(), c.seed()));
  }

  private static void scalarOperationsAndReluMatchTheReference(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = random(rnd, n);
    float s = rnd.nextFloat() * 4 - 2;
    NDArray a = NDArray.of(x, Shape.of(n));
    check(Elementwise.addScalar(a, s), ReferenceKernels.addScalar(x, s));
    check(Elementwise.multiplyScalar(a, s), ReferenceKernels.multiplyScalar(x, s));
    check(Elementwise.relu(a), ReferenceKernels.relu(x));
  }

  private static void check(NDArray actual, float[] expected) {
    assertThat(actual.toFloatArray()).containsExactly(expected);
  }

  @Test
  void resultKeepsTheShapeAndInputsAreUntouched() {
    float[] x = {1, 2, 3, 4, 5, 6};
    NDArray a = NDArray.of(x, Shape.of(2, 3));
    NDArray out = Elementwise.multiply(a, a);
    assertThat(out.shape()).isEqualTo(Shape.of(2, 3));
    assertThat(out.toFloatArray()).containsExactly(1, 4, 9, 16, 25, 36);
    assertThat(a.toFloatArray()).containsExactly(x);
  }

  @Test
  void reluKeepsNanAndZeroesNegatives() {
    NDArray a = NDArray.of(new float[] {-1, 0, 2, Float.NaN, Float.NEGATIVE_INFINITY},
        Shape.of(5));
    assertThat(Elementwise.relu(a).toFloatArray()).containsExactly(0, 0, 2, Float.NaN, 0);
  }

  @Test
  void inPlaceOperationsAccumulateInProgramOrder() {
    NDArray acc = NDArray.zeros(3);
    NDArray one = NDArray.of(new float[] {1, 2, 3}, Shape.of(3));
    for (int i = 0; i < 100; i++) {
      Elementwise.addTo(acc, one);
      if (i == 49) {
        Elementwise.scaleInPlace(acc, 0.5f); // (50 * x) / 2 then 50 more
      }
    }
    assertThat(acc.toFloatArray()).containsExactly(75, 150, 225);
    Elementwise.addTo(acc, acc); // source may be the destination
    assertThat(acc.toFloatArray()).containsExactly(150, 300, 450);
    Elementwise.addTo(acc.reshape(Shape.of(1, 3)), one.reshape(Shape.of(1, 3)));
    assertThat(acc.toFloatArray()).containsExactly(151, 302, 453);
  }

  @Test
  void shapeErrorsNameBothShapes() {
    NDArray a = NDArray.zeros(2, 3);
    NDArray b = NDArray.zeros(3, 2);
    for (BinaryOperator<NDArray> op : java.util.List.<BinaryOperator<NDArray>>of(
        Elementwise::add, Elementwise::subtract, Elementwise::multiply, Elementwise::divide)) {
      assertThatThrownBy(() -> op.apply(a, b))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("elemwise_")
          .hasMessageContaining("lhs=float32(2, 3), rhs=float32(3, 2)");
    }
    assertThatThrownBy(() -> Elementwise.addTo(a, b))
        .hasMessageContaining("lhs=float32(2, 3), rhs=float32(3, 2)");
  }

  @Test
  void rejectsNonFloat32() {
    NDArray ints = NDArray.zeros(Shape.of(2), DType.INT32);
    assertThatThrownBy(() -> Elementwise.relu(ints))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relu has no kernel for in int32(2,)")
        .hasMessageContaining("Cast");
  }
}
