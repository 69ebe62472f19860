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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

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

  @Provide
  Arbitrary<Spec> specs() {
    Arbitrary<int[]> dims = Arbitraries.integers().between(0, 4).array(int[].class)
        .ofMinSize(0).ofMaxSize(4);
    return Combinators.combine(Arbitraries.of(WRITABLE), dims, Arbitraries.longs())
        .as(Spec::new);
  }

  @Provide
  Arbitrary<String> names() {
    // any Unicode text, including empty names and characters outside the BMP
    return Arbitraries.strings().all().ofMaxLength(12)
        .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
  }

  @Property(tries = 200)
  void everyDtypeAndShapeSurvivesWriteThenRead(
      @ForAll @Size(max = 6) List<@From("specs") Spec> specs,
      @ForAll boolean named,
      @ForAll @Size(6) List<@From("names") String> pool)
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
