package org.kindling.kvstore;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * MXNet's 2-bit gradient compression ({@code quantize_2bit}/{@code dequantize_2bit} in its
 * {@code src/kvstore/gradient_compression-inl.h}; formats.md §5.5), on buffers.
 *
 * <p>Quantizing element i: {@code r[i] += g[i]}; if {@code r[i] >= t} its code is {@code 11} and
 * {@code r[i] -= t}; else if {@code r[i] <= -t} its code is {@code 10} and {@code r[i] += t};
 * else {@code 00}. Codes are packed 4 to a byte, 16 to a 32-bit word: element i sits in byte
 * {@code i >> 2} at bits {@code 6 - 2*(i & 3)} (the first element of a byte in its high bits);
 * the packed array is {@link #words(int)} words long, the bits after the last element zero.
 * Dequantizing gives {@code +t} for {@code 11}, {@code -t} for {@code 10}, 0 otherwise. All
 * arithmetic is float32, as MXNet's, so results are the same bits.
 */
final class TwoBitCodec {
  private TwoBitCodec() {}

  /** 32-bit words holding {@code n} 2-bit codes: {@code ceil(n / 16)}. */
  static int words(int n) {
    return (n + 15) >>> 4;
  }

  /** Bytes of the packed form of {@code n} elements: {@code 4 * words(n)}. */
  static int bytes(int n) {
    return 4 * words(n);
  }

  /**
   * Quantizes {@code grad[0, n)} into {@code out} (positions {@code [out.position(), +bytes(n))},
   * absolute; the position is not moved), updating {@code residual} in place.
   */
  static void quantize(FloatBuffer grad, float[] residual, ByteBuffer out, int n,
      float threshold) {
    float neg = -threshold;
    int base = out.position();
    int g0 = grad.position();
    int packed = bytes(n);
    for (int b = 0; b < packed; b++) {
      int code = 0;
      int start = b << 2;
      int end = Math.min(start + 4, n);
      for (int i = start; i < end; i++) {
        float r = residual[i] + grad.get(g0 + i);
        int shift = 6 - 2 * (i & 3);
        if (r >= threshold) {
          code |= 3 << shift;
          r -= threshold;
        } else if (r <= neg) {
          code |= 2 << shift;
          r -= neg;
        }
        residual[i] = r;
      }
      out.put(base + b, (byte) code);
    }
  }

  /**
   * Dequantizes the {@code n} elements from element {@code from} of the codes in {@code in}
   * (which start at its position, absolute; the position is not moved) into {@code out}, or adds
   * them to {@code out} with {@code add}. A server shard reads its range of a key this way.
   */
  static void dequantize(ByteBuffer in, int from, FloatBuffer out, int n, float threshold,
      boolean add) {
    float neg = -threshold;
    int base = in.position();
    int o0 = out.position();
    for (int i = 0; i < n; i++) {
      int e = from + i;
      int code = (in.get(base + (e >> 2)) >>> (6 - 2 * (e & 3))) & 3;
      float v = code == 3 ? threshold : code == 2 ? neg : 0f;
      out.put(o0 + i, add ? out.get(o0 + i) + v : v);
    }
  }
}
