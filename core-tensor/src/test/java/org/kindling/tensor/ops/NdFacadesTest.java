package org.kindling.tensor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.NDScope;
import org.kindling.tensor.Shape;

/** The NDArray API runs the registry's operators: dtypes, views, shape ops, random numbers. */
class NdFacadesTest {
  @Test
  void astypeCastsAsMxnetAndIntegerArraysServeAsIndices() {
    try (NDScope scope = NDScope.open()) {
      NDArray x = NDArray.of(new float[] {1.7f, -2.5f, 300f}, Shape.of(3));
      NDArray ints = x.astype(DType.INT32);
      assertThat(ints.dtype()).isEqualTo(DType.INT32);
      assertThat(ints.toFloatArray()).containsExactly(1, -2, 300);
      NDArray table = NDArray.of(new float[] {10, 11, 20, 21, 30, 31}, Shape.of(3, 2));
      NDArray idx = NDArray.of(new float[] {2, 0}, Shape.of(2)).astype(DType.INT64);
      assertThat(Shapes.take(table, idx).toFloatArray()).containsExactly(30, 31, 10, 11);
      assertThat(Shapes.oneHot(idx, 3).toFloatArray()).containsExactly(0, 0, 1, 1, 0, 0);
      assertThat(scope.size()).isGreaterThan(0);
    }
  }

  @Test
  void reshapeWithSpecialValuesIsAViewAndSliceIsAView() {
    NDArray a = NDArray.of(new float[24], Shape.of(2, 3, 4));
    NDArray v = Shapes.reshape(a, 0, -1);
    assertThat(v.shape()).isEqualTo(Shape.of(2, 12));
    assertThat(v.var()).isSameAs(a.var());
    a.fill(3f);
    assertThat(v.toFloatArray()).containsOnly(3f);
    NDArray rows = a.slice(1, 2);
    assertThat(rows.shape()).isEqualTo(Shape.of(1, 3, 4));
    rows.fill(5f);
    float[] all = a.toFloatArray();
    assertThat(all[0]).isEqualTo(3f);
    assertThat(all[12]).isEqualTo(5f);
    assertThatThrownBy(() -> a.slice(1, 3)).hasMessageContaining("outside axis 0 of (2, 3, 4)");
  }

  @Test
  void viewAsLaysAnotherShapeAndTypeOverTheFirstBytes() {
    NDArray block = NDArray.zeros(Shape.of(64), org.kindling.tensor.DType.UINT8);
    NDArray f = block.viewAs(Shape.of(2, 3), org.kindling.tensor.DType.FLOAT32);
    NDArray i = block.viewAs(Shape.of(4), org.kindling.tensor.DType.INT32);
    assertThat(f.var()).isSameAs(block.var());
    assertThat(i.var()).isSameAs(block.var());
    f.set(new float[] {1, 2, 3, 4, 5, 6});
    assertThat(f.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(i.toFloatArray()[0]).isEqualTo((float) Float.floatToIntBits(1f));
    assertThatThrownBy(() -> block.viewAs(Shape.of(17), org.kindling.tensor.DType.FLOAT32))
        .hasMessageContaining("(64 bytes)").hasMessageContaining("(68 bytes)");
    f.close();
    i.close();
    block.close();
  }

  @Test
  void shapeOperatorsFollowMxnet() {
    NDArray a = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3));
    assertThat(Shapes.transpose(a).toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
    assertThat(Shapes.concat(0, a, a).shape()).isEqualTo(Shape.of(4, 3));
    assertThat(Shapes.stack(0, a, a).shape()).isEqualTo(Shape.of(2, 2, 3));
    List<NDArray> parts = Shapes.split(a, 3, 1);
    assertThat(parts).hasSize(3);
    assertThat(parts.get(2).toFloatArray()).containsExactly(3, 6);
    assertThat(Shapes.broadcastTo(NDArray.of(new float[] {1, 2}, Shape.of(2, 1)), 2, 3)
        .toFloatArray()).containsExactly(1, 1, 1, 2, 2, 2);
    assertThat(Reductions.mean(a, 1).toFloatArray()).containsExactly(2, 5);
    assertThat(Reductions.argmax(a, 1).toFloatArray()).containsExactly(2, 2);
  }

  @Test
  void randomNumbersDependOnTheSeedNotOnThreadTiming() {
    Random.seed(42);
    float[] first = Random.uniform(0, 1, 1000).toFloatArray();
    float[] normal = Random.normal(0, 1, 1000).toFloatArray();
    Random.seed(42);
    assertThat(Random.uniform(0, 1, 1000).toFloatArray()).containsExactly(first);
    assertThat(Random.normal(0, 1, 1000).toFloatArray()).containsExactly(normal);
    for (float v : first) {
      assertThat(v).isGreaterThanOrEqualTo(0f).isLessThan(1f);
    }
    float[] coin = Random.bernoulli(0.25f, 4000).toFloatArray();
    double ones = 0;
    for (float c : coin) {
      assertThat(c).isIn(0f, 1f);
      ones += c;
    }
    assertThat(ones / coin.length).isBetween(0.2, 0.3);
  }
}
