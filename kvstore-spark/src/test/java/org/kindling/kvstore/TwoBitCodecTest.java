package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/**
 * MXNet's 2-bit scheme on given inputs, the expected bytes worked out by hand from {@code
 * quantize_2bit}/{@code dequantize_2bit} (MXNet 1.9.1 {@code gradient_compression-inl.h}):
 * element i in byte {@code i >> 2} at bits {@code 6 - 2*(i & 3)}, {@code 11} = +t, {@code 10} = -t.
 * The values through real MXNet are checked by {@code GradientCompressionMatchesMxnetIT}.
 */
class TwoBitCodecTest {
  private static ByteBuffer quantize(float[] grad, float[] residual, float t) {
    ByteBuffer out = ByteBuffer.allocate(TwoBitCodec.bytes(grad.length));
    TwoBitCodec.quantize(FloatBuffer.wrap(grad), residual, out, grad.length, t);
    return out;
  }

  private static float[] dequantize(ByteBuffer codes, int n, float t) {
    float[] out = new float[n];
    TwoBitCodec.dequantize(codes, 0, FloatBuffer.wrap(out), n, t, false);
    return out;
  }

  @Test
  void sixteenCodesPerWordFirstElementInTheHighBitsOfEachByte() {
    float[] g = {0.6f, -0.7f, 0.1f, 0.5f, -0.5f, 0f, 1.2f, -3f,
        0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.49f, 2f};
    ByteBuffer codes = quantize(g, new float[g.length], 0.5f);

    assertThat(codes.capacity()).as("17 elements take 2 words").isEqualTo(8);
    assertContainsExactly(codes.array(),
        0xE3, // 11 10 00 11: +t, -t, 0, +t (0.5 >= t)
        0x8E, // 10 00 11 10: -t (-0.5 <= -t), 0, +t, -t
        0x00,
        0x00, // 0.49 < t
        0xC0, // element 16: the high bits of word 1's first byte
        0x00, 0x00, 0x00);
  }

  private static void assertContainsExactly(byte[] actual, int... expected) {
    byte[] e = new byte[expected.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = (byte) expected[i];
    }
    assertThat(actual).containsExactly(e);
  }

  @Test
  void theResidualKeepsWhatTheCodeLeftOutAndCarriesOver() {
    float t = 0.5f;
    float[] residual = new float[3];
    float[] g = {0.3f, -3f, 0.7f};

    float[] first = dequantize(quantize(g, residual, t), 3, t);
    assertThat(first).containsExactly(0f, -t, t);
    assertThat(residual).containsExactly(0.3f, -3f + t, 0.7f - t);

    // the second push of the same gradient: 0.3 + 0.3 reaches t; -2.5 - 3 emits -t once
    float[] second = dequantize(quantize(g, residual, t), 3, t);
    assertThat(second).containsExactly(t, -t, t);
    assertThat(residual).containsExactly((0.3f + 0.3f) - t, ((-3f + t) - 3f) + t,
        ((0.7f - t) + 0.7f) - t);

    // a zero gradient still drains a residual beyond the threshold, one t per push
    float[] drain = dequantize(quantize(new float[3], residual, t), 3, t);
    assertThat(drain).containsExactly(0f, -t, 0f);
  }

  @Test
  void thresholdIsInclusiveOnBothSides() {
    float t = 0.25f;
    float[] g = {t, -t, Math.nextDown(t), Math.nextUp(-t)};
    float[] residual = new float[4];

    assertThat(dequantize(quantize(g, residual, t), 4, t)).containsExactly(t, -t, 0f, 0f);
    assertThat(residual).containsExactly(0f, 0f, Math.nextDown(t), Math.nextUp(-t));
  }

  @Test
  void codeZeroOneDecodesToZeroAndAddModeAccumulates() {
    // 01 is never written; MXNet's decoder maps it to 0 as it does 00
    ByteBuffer codes = ByteBuffer.wrap(new byte[] {(byte) 0b01_11_10_00, 0, 0, 0});
    float[] out = {1f, 1f, 1f, 1f, 1f};
    TwoBitCodec.dequantize(codes, 0, FloatBuffer.wrap(out), 5, 2f, true);

    assertThat(out).containsExactly(1f, 3f, -1f, 1f, 1f);
  }

  @Test
  void sizesAreWholeWords() {
    assertThat(TwoBitCodec.bytes(0)).isZero();
    assertThat(TwoBitCodec.bytes(1)).isEqualTo(4);
    assertThat(TwoBitCodec.bytes(16)).isEqualTo(4);
    assertThat(TwoBitCodec.bytes(17)).isEqualTo(8);
    assertThat(TwoBitCodec.bytes(400_000)).isEqualTo(400_000 * 4 / 16);
  }
}
