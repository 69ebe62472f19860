package org.kindling.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.MxnetFixtures;

/** The layouts of formats.md §3, byte for byte, on hand-made and real MXNet files. */
class ParamsFileFormatTest {
  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  @Test
  void readsTheLegacyMxnetCheckpointFixture() throws IOException {
    Path file = MxnetFixtures.path("go_test-0001.params");
    ParamsFile.Contents c = ParamsFile.read(file);
    assertThat(c.names()).containsExactly("arg:pred_bias", "arg:pred_weight");
    Map<String, NDArray> m = c.asMap();
    NDArray bias = m.get("arg:pred_bias");
    NDArray weight = m.get("arg:pred_weight");
    assertThat(bias.shape()).isEqualTo(Shape.of(10));
    assertThat(weight.shape()).isEqualTo(Shape.of(10, 1));
    assertThat(bias.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(weight.dtype()).isEqualTo(DType.FLOAT32);
    for (float v : weight.toFloatArray()) {
      assertThat(Float.isFinite(v)).isTrue();
    }
    for (float v : bias.toFloatArray()) {
      assertThat(Float.isFinite(v)).isTrue();
    }
    assertThat(weight.toFloatArray()).as("a trained weight is not all zeros")
        .isNotEqualTo(new float[10]);
  }

  @Test
  void writesTheV2HeaderExactlyAsMxnet() {
    // formats.md §3.2: a dense float32 (10,1,5,5) array from a real .params
    NDArray a = NDArray.zeros(10, 1, 5, 5);
    byte[] raw = ParamsFile.toRawBytes(a);
    String header = "C9FA93F9" + "00000000" + "04000000" + "0A00000000000000"
        + "0100000000000000" + "0500000000000000" + "0500000000000000" + "01000000" + "00000000"
        + "00000000";
    assertThat(HEX.formatHex(Arrays.copyOf(raw, header.length() / 2))).isEqualTo(header);
    assertThat(raw).hasSize(header.length() / 2 + 250 * 4);
  }

  @Test
  void writesTheContainerWithNamesAfterTheArrays() throws IOException {
    NDArray a = NDArray.of(new float[] {1.5f}, Shape.of(1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParamsFile.write(out, List.of("arg:w"), List.of(a));
    byte[] expected = LeBytes.container(1)
        .u32(0xF993FAC9).u32(0).tshape(1).u32(1).u32(0).u32(0).f32(1.5f)
        .u64(1).name("arg:w").bytes();
    assertThat(out.toByteArray()).isEqualTo(expected);
  }

  @Test
  void writesScalarsAndZeroSizeArraysAsV3() {
    byte[] scalar = ParamsFile.toRawBytes(NDArray.of(new float[] {2f}, Shape.scalar()));
    assertThat(scalar).isEqualTo(new LeBytes().u32(0xF993FACA).u32(0).u32(0).u32(1).u32(0)
        .u32(0).f32(2f).bytes());
    byte[] empty = ParamsFile.toRawBytes(NDArray.zeros(Shape.of(0, 3), DType.INT64));
    assertThat(empty).isEqualTo(new LeBytes().u32(0xF993FACA).u32(0).tshape(0, 3).u32(1)
        .u32(0).u32(6).bytes());
  }

  @Test
  void readsV1V3AndLegacyRecordsInOneFile() throws Exception {
    byte[] file = LeBytes.container(3)
        // V1: TShape with i64 dims, context, type, data
        .u32(0xF993FAC8).tshape(2).u32(1).u32(0).u32(0).f32(1, 2)
        // V3 scalar float64, on gpu(1): the context is ignored
        .u32(0xF993FACA).u32(0).u32(0).u32(2).u32(1).u32(1).put(le64(Double.doubleToLongBits(
            0.25)))
        // legacy: u32 ndim, u32 dims
        .u32(2).u32(1).u32(2).u32(1).u32(0).u32(3).put(new byte[] {7, (byte) 200})
        .u64(0).bytes();
    ParamsFile.Contents c = ParamsFile.read(file, "mixed.params");
    assertThat(c.names()).isEmpty();
    assertThat(c.arrays()).extracting(NDArray::shape)
        .containsExactly(Shape.of(2), Shape.scalar(), Shape.of(1, 2));
    assertThat(c.arrays()).extracting(NDArray::dtype)
        .containsExactly(DType.FLOAT32, DType.FLOAT64, DType.UINT8);
    assertThat(c.arrays().get(0).toFloatArray()).containsExactly(1, 2);
    assertThat(ParamsSummary.lines(c)).containsExactly(
        "0\tfloat32\t2\t3", "1\tfloat64\t()\t0.25", "2\tuint8\t1,2\t207");
  }

  private static byte[] le64(long v) {
    return new LeBytes().u64(v).bytes();
  }

  @Test
  void densifiesCsrAndRowSparseRecords() throws Exception {
    LeBytes b = LeBytes.container(2);
    LeBytes.csrExample(b);
    LeBytes.rowSparseExample(b);
    byte[] file = b.u64(2).name("csr").name("rsp").bytes();
    Map<String, NDArray> m = ParamsFile.read(file, "sparse.params").asMap();
    assertThat(m.keySet()).containsExactly("csr", "rsp");
    for (NDArray a : m.values()) {
      assertThat(a.shape()).isEqualTo(Shape.of(3, 4));
      assertThat(a.toFloatArray()).containsExactly(LeBytes.SPARSE_EXAMPLE_DENSE);
    }
  }

  @Test
  void noneArraysBecomeEmptyFloat32Arrays() throws Exception {
    byte[] file = LeBytes.container(3)
        .u32(0xF993FAC9).u32(0).u32(0) // V2, ndim 0
        .u32(0xF993FACA).u32(0).u32(-1) // V3, ndim -1
        .u32(0) // legacy, ndim 0
        .u64(0).bytes();
    try (ParamsFile.Contents c = ParamsFile.read(file, "none.params")) {
      assertThat(c.arrays()).hasSize(3).allSatisfy(a -> {
        assertThat(a.shape()).isEqualTo(Shape.of(0));
        assertThat(a.dtype()).isEqualTo(DType.FLOAT32);
      });
    }
  }

  @Test
  void contentsMapKeepsFileOrderAndRefusesListsAndDuplicates() throws Exception {
    NDArray x = NDArray.zeros(1);
    List<String> names = List.of("z", "a", "m");
    ParamsFile.Contents c = new ParamsFile.Contents(names, List.of(x, x, x));
    assertThat(c.asMap().keySet()).containsExactlyElementsOf(names);
    assertThatThrownBy(() -> new ParamsFile.Contents(List.of(), List.of(x)).asMap())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without names");
    assertThatThrownBy(() -> new ParamsFile.Contents(List.of("a", "a"), List.of(x, x)).asMap())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'a' occurs twice");
    assertThatThrownBy(() -> new ParamsFile.Contents(List.of("a"), List.of(x, x)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new ParamsFile.Contents(List.of(), List.of()).asMap()).isEmpty();
  }

  @Test
  void refusesToWriteTypesMxnetCannotLoadAndWritesNothing() {
    NDArray ok = NDArray.zeros(Shape.of(2));
    NDArray int16 = NDArray.zeros(Shape.of(2), DType.INT16);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> ParamsFile.write(out, List.of("arg:a", "arg:b"), List.of(ok, int16)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'arg:b'")
        .hasMessageContaining("int16")
        .hasMessageContaining("MXNet 1.9.1 cannot load");
    assertThat(out.size()).isZero();
  }
}
