package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.kindling.tensor.Elements;

/**
 * The fp16 transport's conversions, on buffers: float32 to IEEE 754 binary16 rounded to nearest
 * even (overflow to infinity, NaN kept a NaN, subnormals kept) and back, which is exact
 * ({@link Elements#floatToHalf}, {@link Elements#halfToFloat}). Halves are little-endian on the
 * wire.
 */
final class Half {
  private Half() {}

  /**
   * Writes {@code src[0, n)} as {@code n} halves to {@code dst} from its position (absolute; the
   * position is not moved).
   */
  static void narrow(FloatBuffer src, ByteBuffer dst, int n) {
    ByteBuffer out = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int base = out.position();
    for (int i = 0; i < n; i++) {
      out.putShort(base + 2 * i, Elements.floatToHalf(src.get(i)));
    }
  }

  /**
   * Reads {@code n} halves from {@code src} at its position (absolute; the position is not
   * moved) into {@code dst[0, n)} as floats.
   */
  static void widen(ByteBuffer src, FloatBuffer dst, int n) {
    ByteBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int base = in.position();
    for (int i = 0; i < n; i++) {
      dst.put(i, Elements.halfToFloat(in.getShort(base + 2 * i)));
    }
  }
}
