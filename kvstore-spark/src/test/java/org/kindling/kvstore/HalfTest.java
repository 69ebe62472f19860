package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fp16 transport's conversions against an independent nearest-half search. */
class HalfTest {

  private static short narrow(float f) {
    ByteBuffer b = ByteBuffer.allocate(2);
    Half.narrow(FloatBuffer.wrap(new float[] {f}), b, 1);
    return b.order(ByteOrder.LITTLE_ENDIAN).getShort(0);
  }

  private static float widen(int h) {
    ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(0, (short) h);
    float[] out = new float[1];
    Half.widen(b, FloatBuffer.wrap(out), 1);
    return out[0];
  }

  /** The value of a positive finite half by its definition, in double. */
  private static double value(int h) {
    int exp = h >>> 10;
    int mant = h & 0x3FF;
    return exp == 0 ? mant * 0x1p-24 : (1024 + mant) * Math.pow(2, exp - 25);
  }

  /**
   * The half nearest to {@code f}, ties to the even code, by search over the ordered positive
   * halves; above the largest finite half, infinity counts as 65536 (IEEE's overflow rule).
   */
  private static int nearest(float f) {
    double x = Math.abs((double) f);
    int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
    int lo = 0;
    int hi = 0x7C00;
    while (hi - lo > 1) { // value(lo) <= x < value(hi)
      int mid = (lo + hi) >>> 1;
      if (value(mid) <= x) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double vhi = hi == 0x7C00 ? 65536 : value(hi);
    if (x >= vhi) {
      return sign | 0x7C00;
    }
    double below = x - value(lo);
    double above = vhi - x;
    int h = below < above ? lo : above < below ? hi : (lo & 1) == 0 ? lo : hi;
    return sign | h;
  }

  @Test
  void everyHalfWidensExactlyAndNarrowsBackToItself() {
    for (int h = 0; h < 0x10000; h++) {
      float f = widen(h);
      boolean nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
      if (nan) {
        assertThat(f).as("0x%04x", h).isNaN();
        assertThat(Float.isNaN(widen(narrow(f) & 0xFFFF))).isTrue();
        assertThat(narrow(f) & 0x8000).as("sign of 0x%04x", h).isEqualTo(h & 0x8000);
        continue;
      }
      if ((h & 0x7FFF) < 0x7C00) {
        double v = value(h & 0x7FFF);
        assertThat((double) f).as("0x%04x", h).isEqualTo((h & 0x8000) != 0 ? -v : v);
      }
      assertThat(narrow(f) & 0xFFFF).as("0x%04x", h).isEqualTo(h);
    }
  }

  @Test
  void roundingIsToNearestEvenEverywhere() {
    Random r = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      // uniform over the float bit patterns from far below the subnormals to beyond overflow
      float f = Float.intBitsToFloat((r.nextInt(0x48000000 - 0x30000000) + 0x30000000)
          | (r.nextBoolean() ? 0x80000000 : 0));
      assertThat(narrow(f) & 0xFFFF).as("%s (0x%08x)", f, Float.floatToRawIntBits(f))
          .isEqualTo(nearest(f));
    }
  }

  @Test
  void edgeCases() {
    assertThat(narrow(65504f) & 0xFFFF).as("the largest half").isEqualTo(0x7BFF);
    assertThat(narrow(65519.996f) & 0xFFFF).as("below the overflow tie").isEqualTo(0x7BFF);
    assertThat(narrow(65520f) & 0xFFFF).as("the overflow tie goes to infinity").isEqualTo(0x7C00);
    assertThat(narrow(1e9f) & 0xFFFF).isEqualTo(0x7C00);
    assertThat(narrow(-1e9f) & 0xFFFF).isEqualTo(0xFC00);
    assertThat(narrow(Float.POSITIVE_INFINITY) & 0xFFFF).isEqualTo(0x7C00);
    assertThat(narrow(Float.NEGATIVE_INFINITY) & 0xFFFF).isEqualTo(0xFC00);
    assertThat(widen(narrow(Float.NaN))).isNaN();
    assertThat(narrow(0x1p-24f) & 0xFFFF).as("the smallest subnormal").isEqualTo(0x0001);
    assertThat(narrow(0x1p-25f) & 0xFFFF).as("half of it ties to even zero").isEqualTo(0);
    assertThat(narrow(Math.nextUp(0x1p-25f)) & 0xFFFF).isEqualTo(0x0001);
    assertThat(narrow(3 * 0x1p-25f) & 0xFFFF).as("1.5 ulp ties to even 2").isEqualTo(0x0002);
    assertThat(narrow(0x3FFp-24f) & 0xFFFF).as("the largest subnormal").isEqualTo(0x03FF);
    assertThat(narrow(0x1p-14f) & 0xFFFF).as("the smallest normal").isEqualTo(0x0400);
    assertThat(narrow(0x1p-30f) & 0xFFFF).as("underflow to zero").isEqualTo(0);
    assertThat(narrow(Float.MIN_VALUE) & 0xFFFF).as("a float subnormal").isEqualTo(0);
    assertThat(narrow(-0f) & 0xFFFF).isEqualTo(0x8000);
    assertThat(narrow(1 + 0x1p-11f) & 0xFFFF).as("tie between 1 and 1+2^-10").isEqualTo(0x3C00);
    assertThat(narrow(1 + 3 * 0x1p-11f) & 0xFFFF).as("tie to the even 1+2^-9").isEqualTo(0x3C02);
    assertThat(narrow(2047.5f) & 0xFFFF).as("carry into the exponent").isEqualTo(0x6800);
  }
}
