package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.it.mxnet.MxNDArrays.Array;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/**
 * Kindling's {@code .params} files against MXNet's {@code MXNDArraySave}/{@code MXNDArrayLoad}
 * (formats.md §3): names, shapes, type flags and element bytes survive both ways, and MXNet
 * writes exactly the bytes Kindling writes for the same arrays, as a dict ({@code arg:}/{@code
 * aux:} names) and as a list.
 */
class ParamsFileMatchesMxnetIT {
  @TempDir Path dir;

  /**
   * Names of {@link #arrays()}: every type flag MXNet 1.9.1 knows (0..7 and 12; it rejects 8..11
   * with "Unknown type enum"), in several shapes, with random bytes.
   */
  static List<String> names() {
    return List.of("arg:fc1_weight", "arg:fc1_bias", "arg:conv0_weight", "aux:bn0_moving_mean",
        "aux:bn0_moving_var", "arg:embed_f64", "arg:half_f16", "arg:pixels_u8",
        "arg:counts_i32", "arg:small_i8", "arg:ids_i64", "arg:mask_bool", "arg:bf16",
        "arg:one", "arg:five_d", "arg:gewicht_\u00fc\u00df");
  }

  static List<Array> arrays() {
    SplittableRandom rnd = new SplittableRandom(7L);
    return List.of(
        random(rnd, 0, 4, 3),
        random(rnd, 0, 4),
        random(rnd, 0, 2, 1, 3, 3),
        random(rnd, 0, 6),
        random(rnd, 0, 6),
        random(rnd, 1, 3, 2),
        random(rnd, 2, 5),
        random(rnd, 3, 7),
        random(rnd, 4, 2, 3),
        random(rnd, 5, 3),
        random(rnd, 6, 2, 2),
        random(rnd, 7, 3, 3),
        random(rnd, 12, 4),
        random(rnd, 0, 1),
        random(rnd, 0, 1, 2, 1, 2, 3),
        random(rnd, 0, 2));
  }

  @Test
  void mxnetLoadsKindlingsDictWithTheSameNamesShapesTypesAndBytes() throws IOException {
    Path file = dir.resolve("kindling.params");
    writeWithKindling(file, names(), arrays());

    MxNDArrays.Loaded loaded = MxNDArrays.load(file);

    assertThat(loaded.names()).containsExactlyElementsOf(names());
    assertSameArrays(loaded.arrays(), arrays());
  }

  @Test
  void mxnetSavesTheSameBytesAsKindling() throws IOException {
    Path kindling = dir.resolve("kindling.params");
    writeWithKindling(kindling, names(), arrays());
    Path mxnet = dir.resolve("mxnet.params");
    MxNDArrays.save(mxnet, names(), arrays());

    assertThat(Files.readAllBytes(kindling)).isEqualTo(Files.readAllBytes(mxnet));
  }

  @Test
  void kindlingReadsMxnetsDict() throws IOException {
    Path file = dir.resolve("mxnet.params");
    MxNDArrays.save(file, names(), arrays());

    ParamsFile.Contents c = ParamsFile.read(file);

    assertThat(c.names()).containsExactlyElementsOf(names());
    assertSameArrays(fromKindling(c.arrays()), arrays());
  }

  @Test
  void listFilesWithoutNamesMatchBothWays() throws IOException {
    Path kindling = dir.resolve("kindling-list.nd");
    writeWithKindling(kindling, List.of(), arrays());
    Path mxnet = dir.resolve("mxnet-list.nd");
    MxNDArrays.save(mxnet, List.of(), arrays());

    assertThat(Files.readAllBytes(kindling)).isEqualTo(Files.readAllBytes(mxnet));
    MxNDArrays.Loaded byMxnet = MxNDArrays.load(kindling);
    assertThat(byMxnet.names()).isEmpty();
    assertSameArrays(byMxnet.arrays(), arrays());
    ParamsFile.Contents byKindling = ParamsFile.read(mxnet);
    assertThat(byKindling.names()).isEmpty();
    assertSameArrays(fromKindling(byKindling.arrays()), arrays());
  }

  @Test
  void scalarsAndZeroSizeArraysMatchMxnetsNumpyShapeFiles() throws IOException {
    List<String> names = List.of("arg:scalar", "arg:scalar_i64", "arg:empty_rows",
        "arg:empty");
    SplittableRandom rnd = new SplittableRandom(11L);
    List<Array> arrays = List.of(random(rnd, 0), random(rnd, 6), random(rnd, 0, 2, 0),
        random(rnd, 0, 0));
    Path kindling = dir.resolve("kindling-np.params");
    writeWithKindling(kindling, names, arrays);
    Path mxnet = dir.resolve("mxnet-np.params");

    // MXNet has 0-d and zero-size arrays only with numpy shapes, and then writes V3 records
    MxNDArrays.Loaded loaded = MxNDArrays.withNumpyShape(MxNDArrays.NumpyShape.THREAD, () -> {
      MxNDArrays.save(mxnet, names, arrays);
      return MxNDArrays.load(kindling);
    });

    assertThat(Files.readAllBytes(kindling)).isEqualTo(Files.readAllBytes(mxnet));
    assertThat(loaded.names()).containsExactlyElementsOf(names);
    assertSameArrays(loaded.arrays(), arrays);
    try (ParamsFile.Contents c = ParamsFile.read(mxnet)) {
      assertSameArrays(fromKindling(c.arrays()), arrays);
    }
  }

  @Test
  void kindlingReadsMxnetsNumpyShapeFileOfOrdinaryArrays() throws IOException {
    Path file = dir.resolve("mxnet-np-all.params");
    MxNDArrays.withNumpyShape(MxNDArrays.NumpyShape.THREAD, () -> {
      MxNDArrays.save(file, names(), arrays()); // every record V3
      return null;
    });

    ParamsFile.Contents c = ParamsFile.read(file);

    assertThat(c.names()).containsExactlyElementsOf(names());
    assertSameArrays(fromKindling(c.arrays()), arrays());
  }

  /**
   * Kindling writes V3 only where V2 cannot express the array, so a file may mix V2 and V3
   * records; MXNet never writes such a file and loads it only with numpy shapes switched on
   * globally ({@code npx.set_np()}), not in legacy mode nor in a thread-scoped {@code np_shape}.
   */
  @Test
  void mxnetLoadsKindlingsMixedV2AndV3FileWithGlobalNumpyShapes() throws IOException {
    List<String> names = List.of("arg:scalar", "arg:w", "arg:empty");
    SplittableRandom rnd = new SplittableRandom(12L);
    List<Array> arrays = List.of(random(rnd, 0), random(rnd, 0, 3, 2), random(rnd, 0, 0, 4));
    Path file = dir.resolve("kindling-mixed.params");
    writeWithKindling(file, names, arrays);

    MxNDArrays.Loaded loaded =
        MxNDArrays.withNumpyShape(MxNDArrays.NumpyShape.GLOBAL, () -> MxNDArrays.load(file));

    assertThat(loaded.names()).containsExactlyElementsOf(names);
    assertSameArrays(loaded.arrays(), arrays);
  }

  // ------------------------------------------------------------------------------ helpers

  /** An array of {@code dims} of type {@code flag} filled with random bytes. */
  static Array random(SplittableRandom rnd, int flag, int... dims) {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    byte[] data = new byte[Math.toIntExact(n * MxNDArrays.elementBytes(flag))];
    rnd.nextBytes(data);
    return new Array(dims, flag, data);
  }

  static void writeWithKindling(Path file, List<String> names, List<Array> arrays)
      throws IOException {
    List<NDArray> nds = new ArrayList<>();
    for (Array a : arrays) {
      nds.add(NDArray.ofBytes(ByteBuffer.wrap(a.data()), DType.fromFlag(a.typeFlag()),
          Shape.of(a.shape())));
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      ParamsFile.write(out, names, nds);
    }
  }

  static List<Array> fromKindling(List<NDArray> nds) {
    List<Array> out = new ArrayList<>();
    for (NDArray nd : nds) {
      nd.waitToRead();
      ByteBuffer b = nd.byteBuffer();
      byte[] data = new byte[b.remaining()];
      b.get(data);
      out.add(new Array(nd.shape().dims(), nd.dtype().flag(), data));
    }
    return out;
  }

  static void assertSameArrays(List<Array> actual, List<Array> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      Array a = actual.get(i);
      Array e = expected.get(i);
      assertThat(a.shape()).as("shape of array %d", i).containsExactly(e.shape());
      assertThat(a.typeFlag()).as("type flag of array %d", i).isEqualTo(e.typeFlag());
      assertThat(a.data()).as("bytes of array %d", i).isEqualTo(e.data());
    }
  }
}
