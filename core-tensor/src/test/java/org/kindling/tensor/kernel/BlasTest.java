package org.kindling.tensor.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kindling.tensor.ops.ReferenceKernels;

class BlasTest {
  private static FloatBuffer direct(float[] values) {
    FloatBuffer b =
        ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(values).clear();
    return b;
  }

  private static float[] random(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextFloat() * 2 - 1;
    }
    return v;
  }

  private static float[] contents(FloatBuffer b) {
    float[] out = new float[b.capacity()];
    b.get(0, out);
    return out;
  }

  /**
   * Every transpose combination, with matrices placed at non-zero offsets inside larger
   * buffers, padded leading dimensions, and the callers' buffer positions set to junk (they
   * must be ignored): the result matches the reference, and nothing outside C changes.
   */
  @ParameterizedTest
  @CsvSource({
    "false, false, 7, 5, 3, 1.0, 0.0",
    "true, false, 7, 5, 3, 0.5, 1.0",
    "false, true, 4, 9, 6, -2.0, 0.25",
    "true, true, 5, 5, 5, 1.5, -1.0",
    "false, false, 1, 1, 1, 1.0, 0.0",
    "true, true, 33, 17, 65, 1.0, 0.5"
  })
  void sgemmMatchesTheReferenceForEveryTransposeAndOffset(
      boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
    Random rnd = new Random(m * 31L + n * 7L + k);
    int aRows = transA ? k : m;
    int aCols = transA ? m : k;
    int bRows = transB ? n : k;
    int bCols = transB ? k : n;
    int lda = aCols + 3;
    int ldb = bCols + 1;
    int ldc = n + 2;
    int aOff = 5;
    int bOff = 11;
    int cOff = 7;
    float[] a = random(rnd, aOff + aRows * lda + 4);
    float[] b = random(rnd, bOff + bRows * ldb + 4);
    float[] c = random(rnd, cOff + m * ldc + 4);
    float[] expected = c.clone();
    ReferenceKernels.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
        expected, cOff, ldc);
    FloatBuffer fa = direct(a);
    FloatBuffer fb = direct(b);
    FloatBuffer fc = direct(c);
    fa.position(2);
    fb.position(fb.capacity() - 1);
    fc.position(1);
    Blas.sgemm(transA, transB, m, n, k, alpha, fa, aOff, lda, fb, bOff, ldb, beta, fc, cOff, ldc);
    float[] actual = contents(fc);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).as("C[%d]", i).isCloseTo(expected[i], within(1e-4f * k + 1e-6f));
    }
    assertThat(contents(fa)).containsExactly(a);
    assertThat(contents(fb)).containsExactly(b);
    assertThat(fa.position()).isEqualTo(2); // the caller's buffers are left as they were
    assertThat(fc.position()).isEqualTo(1);
  }

  private static Offset<Float> within(float tolerance) {
    return Offset.offset(tolerance);
  }

  @Test
  void betaZeroOverwritesNanInCAsBlasDoes() {
    FloatBuffer a = direct(new float[] {1, 2});
    FloatBuffer b = direct(new float[] {3, 4});
    FloatBuffer c = direct(new float[] {Float.NaN});
    Blas.sgemm(false, false, 1, 1, 2, 1f, a, 0, 2, b, 0, 1, 0f, c, 0, 1);
    assertThat(c.get(0)).isEqualTo(11f);
  }

  @Test
  void emptyInnerDimensionScalesC() {
    FloatBuffer c = direct(new float[] {1, 2, 3, 4, Float.NaN, 6});
    FloatBuffer empty = direct(new float[0]);
    Blas.sgemm(false, false, 2, 2, 0, 1f, empty, 0, 1, empty, 0, 2, 2f, c, 0, 3);
    assertThat(contents(c)).containsExactly(2, 4, 3, 8, Float.NaN, 6);
    Blas.sgemm(false, false, 2, 2, 0, 1f, empty, 0, 1, empty, 0, 2, 0f, c, 0, 3);
    assertThat(contents(c)).containsExactly(0, 0, 3, 0, 0, 6);
  }

  @Test
  void emptyOutputReadsNothing() {
    FloatBuffer empty = direct(new float[0]);
    Blas.sgemm(true, true, 0, 3, 4, 1f, empty, 0, 1, empty, 0, 4, 0f, empty, 0, 3);
    assertThat(empty.capacity()).isZero();
  }

  /**
   * saxpy at offsets (the callers' positions ignored): with alpha 1 every element is the float
   * sum, bit for bit, and nothing outside the range is written.
   */
  @Test
  void saxpyAddsAtOffsetsWithTheFloatSumsBits() {
    Random rnd = new Random(11);
    float[] xs = random(rnd, 5000);
    float[] ys = random(rnd, 5003);
    FloatBuffer x = direct(xs);
    FloatBuffer y = direct(ys);
    x.position(17);
    y.position(99);
    Blas.saxpy(4990, 1f, x, 7, y, 13);
    float[] want = ys.clone();
    for (int i = 0; i < 4990; i++) {
      want[13 + i] = ys[13 + i] + xs[7 + i];
    }
    assertThat(contents(y)).containsExactly(want);
    Blas.saxpy(2, -0.5f, direct(new float[] {2, 4}), 0, y, 0);
    assertThat(y.get(0)).isEqualTo(want[0] - 1f);
    assertThat(y.get(1)).isEqualTo(want[1] - 2f);
    assertThatThrownBy(() -> Blas.saxpy(3, 1f, FloatBuffer.allocate(3), 0, y, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("saxpy: buffer x must be direct and native-order");
    assertThatThrownBy(() -> Blas.saxpy(4990, 1f, x, 11, y, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("saxpy: x needs 5001 floats (4990 at offset 11) but the buffer"
            + " holds 5000");
  }

  @Test
  void rejectsBuffersThatWouldBeCopiedOrOverrun() {
    FloatBuffer ok = direct(new float[12]);
    FloatBuffer heap = FloatBuffer.allocate(12);
    assertThatThrownBy(() -> Blas.sgemm(false, false, 3, 4, 1, 1f, heap, 0, 1, ok, 0, 4, 0f, ok,
            0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("buffer A must be direct and native-order");
    assertThatThrownBy(() -> Blas.sgemm(false, false, 3, 4, 1, 1f, ok, 0, 1, ok, 0, 4, 0f, ok,
            1, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("C (3 x 4, leading dimension 4) at offset 1 needs 13 floats but"
            + " the buffer holds 12");
    assertThatThrownBy(() -> Blas.sgemm(false, false, 3, 4, 2, 1f, ok, 0, 1, ok, 0, 4, 0f, ok,
            0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leading dimension of A is 1, less than its row length 2");
    assertThatThrownBy(() -> Blas.sgemm(false, false, -1, 4, 2, 1f, ok, 0, 2, ok, 0, 4, 0f, ok,
            0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative size m=-1");
  }

  @Test
  void reportsTheKernelAndControlsThreads() {
    assertThat(Blas.coreName()).isNotBlank();
    int before = Blas.numThreads();
    try {
      Blas.setNumThreads(1);
      assertThat(Blas.numThreads()).isEqualTo(1);
    } finally {
      Blas.setNumThreads(before);
    }
    assertThatThrownBy(() -> Blas.setNumThreads(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
