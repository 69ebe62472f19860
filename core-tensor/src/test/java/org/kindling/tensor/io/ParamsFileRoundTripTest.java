package org.kindling.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.Gen;
import org.kindling.testing.SeededProperty;

class ParamsFileRoundTripTest {

  /** One array to write: type, shape and a seed for its bytes. */
  record Spec(DType dtype, int[] dims, long seed) {
    NDArray build() {
      Shape s = Shape.of(dims);
      byte[] bytes = new byte[s.intSize() * dtype.byteSize()];
      new Random(seed).nextBytes(bytes);
      return NDArray.ofBytes(ByteBuffer.wrap(bytes), dtype, s);
    }
  }

  /** Every type MXNet 1.9.1 can load (flags 8..11 are refused by the writer). */
  private static final List<DType> WRITABLE = List.of(DType.FLOAT32, DType.FLOAT64,
      DType.FLOAT16, DType.UINT8, DType.INT32, DType.INT8, DType.INT64, DType.BOOL,
      DType.BFLOAT16);

  /** Up to 6 arrays, written with or without names drawn from a pool of 6. */
  record FileCase(List<Spec> specs, boolean named, List<String> pool) {}

  static Spec spec(Random r) {
    int[] dims = new int[r.nextInt(0, 5)];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = r.nextInt(0, 5);
    }
    return new Spec(WRITABLE.get(r.nextInt(WRITABLE.size())), dims, r.nextLong());
  }

  /**
   * Any Unicode text of up to 12 code points, including empty names and characters outside the
   * BMP (surrogate code points themselves excluded: they are not text).
   */
  static String name(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(0, 13);
    while (sb.codePointCount(0, sb.length()) < n) {
      int c = switch (Gen.weighted(r, 3, 2, 1)) {
        case 0 -> r.nextInt(0x20, 0x7F);
        case 1 -> r.nextInt(0, 0xD800);
        default -> r.nextInt(0xE000, Character.MAX_CODE_POINT + 1);
      };
      sb.appendCodePoint(c);
    }
    return sb.toString();
  }

  @Test
  void everyDtypeAndShapeSurvivesWriteThenRead() {
    SeededProperty.check(200,
        r -> new FileCase(Gen.listOf(r, 0, 6, ParamsFileRoundTripTest::spec), r.nextBoolean(),
            Gen.listOf(r, 6, 6, ParamsFileRoundTripTest::name)),
        c -> writeThenRead(c.specs(), c.named(), c.pool()));
  }

  private static void writeThenRead(List<Spec> specs, boolean named, List<String> pool)
      throws Exception {
    List<NDArray> arrays = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      arrays.add(specs.get(i).build());
      names.add(i + ":" + pool.get(i)); // unique, as a dict file's names are
    }
    List<String> written = named ? names : List.of();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParamsFile.write(out, written, arrays);
    ParamsFile.Contents back = ParamsFile.read(out.toByteArray(), "roundtrip.params");
    assertThat(back.names()).isEqualTo(written);
    assertSameArrays(back.arrays(), arrays);
    // the single-array raw form round-trips too
    for (NDArray a : arrays) {
      assertSameArrays(List.of(ParamsFile.fromRawBytes(ParamsFile.toRawBytes(a), "raw")),
          List.of(a));
    }
  }

  static void assertSameArrays(List<NDArray> actual, List<NDArray> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.size(); i++) {
      NDArray a = actual.get(i);
      NDArray e = expected.get(i);
      assertThat(a.dtype()).isEqualTo(e.dtype());
      assertThat(a.shape()).isEqualTo(e.shape());
      assertThat(bytes(a)).isEqualTo(bytes(e));
    }
  }

  static byte[] bytes(NDArray a) {
    a.waitToRead();
    ByteBuffer b = a.byteBuffer();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void writeAtomicallyReplacesTheTargetAndLeavesNoTemporaryFile(@TempDir Path dir)
      throws Exception {
    Path target = dir.resolve("model-0001.params");
    Files.writeString(target, "old contents");
    NDArray w = NDArray.of(new float[] {1, 2, 3}, Shape.of(3, 1));
    w.fill(4f); // pending engine write: the writer must wait for it
    ParamsFile.writeAtomically(target, List.of("arg:w"), List.of(w));
    ParamsFile.Contents back = ParamsFile.read(target);
    assertThat(back.names()).containsExactly("arg:w");
    assertThat(back.arrays().get(0).toFloatArray()).containsExactly(4, 4, 4);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void failedAtomicWriteKeepsTheOldFile(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("keep.params");
    Files.writeString(target, "old contents");
    NDArray x = NDArray.zeros(1);
    assertThatThrownBy(() -> ParamsFile.writeAtomically(target, List.of("a", "b"), List.of(x)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 names for 1 arrays");
    assertThat(Files.readString(target)).isEqualTo("old contents");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }
}
