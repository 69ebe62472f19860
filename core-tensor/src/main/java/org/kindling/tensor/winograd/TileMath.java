package org.kindling.tensor.winograd;

import java.util.Arrays;

/**
 * Applies a small transform matrix along one axis of a batch of tiles held as one array per
 * tile element ({@code rows[element][tile]}), so that the innermost loop runs over the tiles of
 * a block with unit stride and the JIT vectorizes it (a per-tile 8x8 transform would run
 * scalar). Every array is indexed from 0: with offsets into a shared array, C2 cannot prove
 * that a store does not feed a later load and leaves the loop scalar (5x slower, measured).
 * Zero coefficients are skipped outside the inner loop: the transforms are sparse.
 */
final class TileMath {
  private TileMath() {}

  /**
   * For every pass-through index {@code b < passN} and output index {@code o < outN}:
   * {@code dst[o·da + b·db][t] = Σ_a mat[o][a] · src[a·sa + b·sb][t]} for {@code t < tiles},
   * summed in the order of {@code a}.
   *
   * <p>Up to {@value #TERMS} terms of a sum are read in one loop over the tiles, so the partial
   * sum stays in a register instead of being stored and loaded again for every term (an axpy per
   * term, which made these passes bound by the loads and stores of the arrays). The order of
   * the additions is the same as term by term, so the result is too, bit for bit.
   *
   * @param mat {@code outN x inN}, row-major
   */
  static void along(float[] mat, int outN, int inN, int passN, float[][] src, int sa, int sb,
      float[][] dst, int da, int db, int tiles) {
    float[][] s = new float[inN][];
    float[] c = new float[inN];
    for (int b = 0; b < passN; b++) {
      for (int o = 0; o < outN; o++) {
        float[] d = dst[o * da + b * db];
        int n = 0;
        for (int a = 0; a < inN; a++) {
          float coef = mat[o * inN + a];
          if (coef != 0f) {
            s[n] = src[a * sa + b * sb];
            c[n++] = coef;
          }
        }
        if (n == 0) {
          Arrays.fill(d, 0, tiles, 0f);
          continue;
        }
        int done = Math.min(TERMS, n);
        sum(d, s, c, 0, done, tiles);
        while (done < n) {
          // the partial sum is the first term of the next loop: 1·d is d exactly, so the
          // additions keep their order and the result its bits
          int more = Math.min(TERMS - 1, n - done);
          s[done - 1] = d;
          c[done - 1] = 1f;
          sum(d, s, c, done - 1, more + 1, tiles);
          done += more;
        }
      }
    }
  }

  /** Terms of a sum read in one loop: four source arrays and the destination fit in registers. */
  private static final int TERMS = 4;

  /**
   * {@code d[t] = Σ_{i < k} c[from + i] · s[from + i][t]}, left to right, for {@code t < n};
   * {@code 1 <= k <=} {@value #TERMS}. {@code s[from]} may be {@code d} itself.
   */
  private static void sum(float[] d, float[][] s, float[] c, int from, int k, int n) {
    float[] s0 = s[from];
    float c0 = c[from];
    if (k == 1) {
      for (int t = 0; t < n; t++) {
        d[t] = c0 * s0[t];
      }
      return;
    }
    float[] s1 = s[from + 1];
    float c1 = c[from + 1];
    if (k == 2) {
      for (int t = 0; t < n; t++) {
        d[t] = c0 * s0[t] + c1 * s1[t];
      }
      return;
    }
    float[] s2 = s[from + 2];
    float c2 = c[from + 2];
    if (k == 3) {
      for (int t = 0; t < n; t++) {
        d[t] = c0 * s0[t] + c1 * s1[t] + c2 * s2[t];
      }
      return;
    }
    float[] s3 = s[from + 3];
    float c3 = c[from + 3];
    for (int t = 0; t < n; t++) {
      d[t] = c0 * s0[t] + c1 * s1[t] + c2 * s2[t] + c3 * s3[t];
    }
  }

  /** {@code rows} arrays of {@code tiles} floats. */
  static float[][] rows(int rows, int tiles) {
    return new float[rows][tiles];
  }
}
