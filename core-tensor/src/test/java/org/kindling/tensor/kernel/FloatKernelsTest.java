package org.kindling.tensor.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FloatKernelsTest {
  private static FloatBuffer direct(int n) {
    return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /**
   * Seeded random lengths around the chunk size, finite values of every magnitude (-0, the
   * largest float and denormals included), then one NaN, +Inf or -Inf at a random place: the
   * scan says finite exactly when no such value is within the first n.
   */
  @Test
  void allFiniteFindsEveryNonFiniteValueAnywhere() {
    Random rnd = new Random(20261203);
    float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000)};
    float[] finite = {0f, -0f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 1e-40f};
    for (int c = 0; c < 200; c++) {
      int n = 1 + rnd.nextInt(c < 100 ? 10_000 : 40);
      FloatBuffer a = direct(n + 3);
      for (int i = 0; i < n + 3; i++) {
        a.put(i, rnd.nextInt(8) == 0 ? finite[rnd.nextInt(finite.length)]
            : (float) rnd.nextGaussian() * 1e30f);
      }
      assertThat(FloatKernels.allFinite(a, n)).as("case %d, n %d", c, n).isTrue();
      int at = rnd.nextInt(n);
      float bad = specials[rnd.nextInt(specials.length)];
      a.put(at, bad);
      assertThat(FloatKernels.allFinite(a, n)).as("case %d: %s at %d of %d", c, bad, at, n)
          .isFalse();
      a.put(at, 1f);
      a.put(n + rnd.nextInt(3), bad); // beyond n: not looked at
      assertThat(FloatKernels.allFinite(a, n)).as("case %d, past the end", c).isTrue();
    }
  }
}
