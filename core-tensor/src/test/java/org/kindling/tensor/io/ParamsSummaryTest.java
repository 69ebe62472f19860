package org.kindling.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.Elements;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.testing.MxnetFixtures;

class ParamsSummaryTest {
  private static NDArray raw(DType t, Shape s, byte... bytes) {
    return NDArray.ofBytes(ByteBuffer.wrap(bytes), t, s);
  }

  private static byte[] le(int bytesEach, long... values) {
    ByteBuffer b = ByteBuffer.allocate(bytesEach * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      switch (bytesEach) {
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt((int) v);
        default -> b.putLong(v);
      }
    }
    return b.array();
  }

  @Test
  void decodesEveryDtypeBeforeSumming() {
    List<NDArray> arrays = List.of(
        NDArray.of(new float[] {0.1f}, Shape.scalar()),
        // float16: 1.0 (0x3C00), -2.5 (0xC100), smallest subnormal 2^-24 (0x0001)
        raw(DType.FLOAT16, Shape.of(3), le(2, 0x3C00, 0xC100, 0x0001)),
        // bfloat16: 1.5 (0x3FC0), -0.5 (0xBF00)
        raw(DType.BFLOAT16, Shape.of(2), le(2, 0x3FC0, 0xBF00)),
        raw(DType.BOOL, Shape.of(3), (byte) 0, (byte) 7, (byte) 1),
        raw(DType.UINT8, Shape.of(2), (byte) 255, (byte) 1),
        raw(DType.INT8, Shape.of(2), (byte) -1, (byte) -128),
        raw(DType.UINT16, Shape.of(1), le(2, 0xFFFF)),
        raw(DType.INT16, Shape.of(1), le(2, 0x8000)),
        raw(DType.UINT32, Shape.of(1), le(4, 0xFFFFFFFFL)),
        raw(DType.INT32, Shape.of(2), le(4, -7, 3)),
        raw(DType.UINT64, Shape.of(1), le(8, -1L)),
        raw(DType.INT64, Shape.of(1), le(8, 123456789012L)),
        raw(DType.FLOAT64, Shape.of(1, 1), le(8, Double.doubleToLongBits(1e-10))),
        NDArray.zeros(Shape.of(0, 3)));
    List<String> lines = ParamsSummary.lines(new ParamsFile.Contents(List.of(), arrays));
    assertThat(lines).containsExactly(
        "0\tfloat32\t()\t0.100000001",
        "1\tfloat16\t3\t-1.49999994",
        "2\tbfloat16\t2\t1",
        "3\tbool\t3\t2",
        "4\tuint8\t2\t256",
        "5\tint8\t2\t-129",
        "6\tuint16\t1\t65535",
        "7\tint16\t1\t-32768",
        "8\tuint32\t1\t4.2949673e+09",
        "9\tint32\t2\t-4",
        "10\tuint64\t1\t1.84467441e+19",
        "11\tint64\t1\t1.23456789e+11",
        "12\tfloat64\t1,1\t1e-10",
        "13\tfloat32\t0,3\t0");
  }

  @Test
  void float16SpecialValuesDecodeExactly() {
    assertThat(Elements.halfToFloat((short) 0x7BFF)).isEqualTo(65504f);
    assertThat(Elements.halfToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(Elements.halfToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(Elements.halfToFloat((short) 0x7E00)).isNaN();
    assertThat(Elements.halfToFloat((short) 0x8000)).isEqualTo(-0f);
    assertThat(Elements.halfToFloat((short) 0x0400)).isEqualTo(0x1p-14f);
    assertThat(Elements.halfToFloat((short) 0x03FF)).isEqualTo(1023 * 0x1p-24f);
  }

  @Test
  void listsTheFixtureWithNamesAndShapes() throws Exception {
    Path file = MxnetFixtures.path("go_test-0001.params");
    ParamsFile.Contents c = ParamsFile.read(file);
    double weightSum = 0;
    for (float v : c.asMap().get("arg:pred_weight").toFloatArray()) {
      weightSum += v;
    }
    assertThat(ParamsSummary.lines(c)).containsExactly(
        "arg:pred_bias\tfloat32\t10\t0",
        "arg:pred_weight\tfloat32\t10,1\t" + CFormat.g(weightSum, 9));
  }
}
