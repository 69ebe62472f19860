package org.kindling.tensor.winograd;

/**
 * {@code dst[dOff + t] = Σ_k coef[k] · src[k][off[k] + t]}, summed left to right as {@link
 * TileMath} sums (up to four terms per loop, the partial sum carried as the next loop's first
 * term), for sources read at offsets: the column pass of {@link ChannelTiles}, where element j
 * of every tile of a row is a run starting {@code j / m} pixels into a phase. The destination
 * is never one of the sources, so the JIT vectorizes the loops.
 */
final class OffsetSums {
  private OffsetSums() {}

  /** {@code 1 <= n}; {@code dst} is none of {@code src[0 .. n-1]}. */
  static void sum(float[] dst, int dOff, float[][] src, int[] off, float[] coef, int n,
      int len) {
    int done = Math.min(4, n);
    first(dst, dOff, src, off, coef, done, len);
    while (done < n) {
      int more = Math.min(3, n - done);
      more(dst, dOff, src, off, coef, done, more, len);
      done += more;
    }
  }

  private static void first(float[] d, int o, float[][] s, int[] off, float[] c, int k,
      int len) {
    float[] s0 = s[0];
    int o0 = off[0];
    float c0 = c[0];
    if (k == 1) {
      for (int t = 0; t < len; t++) {
        d[o + t] = c0 * s0[o0 + t];
      }
      return;
    }
    float[] s1 = s[1];
    int o1 = off[1];
    float c1 = c[1];
    if (k == 2) {
      for (int t = 0; t < len; t++) {
        d[o + t] = c0 * s0[o0 + t] + c1 * s1[o1 + t];
      }
      return;
    }
    float[] s2 = s[2];
    int o2 = off[2];
    float c2 = c[2];
    if (k == 3) {
      for (int t = 0; t < len; t++) {
        d[o + t] = c0 * s0[o0 + t] + c1 * s1[o1 + t] + c2 * s2[o2 + t];
      }
      return;
    }
    float[] s3 = s[3];
    int o3 = off[3];
    float c3 = c[3];
    for (int t = 0; t < len; t++) {
      d[o + t] = c0 * s0[o0 + t] + c1 * s1[o1 + t] + c2 * s2[o2 + t] + c3 * s3[o3 + t];
    }
  }

  /** {@code d += } terms {@code from .. from + k - 1} ({@code 1 <= k <= 3}), in order. */
  private static void more(float[] d, int o, float[][] s, int[] off, float[] c, int from, int k,
      int len) {
    float[] s0 = s[from];
    int o0 = off[from];
    float c0 = c[from];
    if (k == 1) {
      for (int t = 0; t < len; t++) {
        d[o + t] = d[o + t] + c0 * s0[o0 + t];
      }
      return;
    }
    float[] s1 = s[from + 1];
    int o1 = off[from + 1];
    float c1 = c[from + 1];
    if (k == 2) {
      for (int t = 0; t < len; t++) {
        d[o + t] = d[o + t] + c0 * s0[o0 + t] + c1 * s1[o1 + t];
      }
      return;
    }
    float[] s2 = s[from + 2];
    int o2 = off[from + 2];
    float c2 = c[from + 2];
    for (int t = 0; t < len; t++) {
      d[o + t] = d[o + t] + c0 * s0[o0 + t] + c1 * s1[o1 + t] + c2 * s2[o2 + t];
    }
  }
}
