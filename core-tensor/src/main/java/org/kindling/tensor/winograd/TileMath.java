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
   * {@code dst[o·da + b·db][t] = Σ_a mat[o][a] · src[a·sa + b·sb][t]} for {@code t < tiles}.
   *
   * @param mat {@code outN x inN}, row-major
   */
  static void along(float[] mat, int outN, int inN, int passN, float[][] src, int sa, int sb,
      float[][] dst, int da, int db, int tiles) {
    for (int b = 0; b < passN; b++) {
      for (int o = 0; o < outN; o++) {
        float[] d = dst[o * da + b * db];
        boolean first = true;
        for (int a = 0; a < inN; a++) {
          float c = mat[o * inN + a];
          if (c != 0f) {
            float[] s = src[a * sa + b * sb];
            if (first) {
              scale(d, s, c, tiles);
              first = false;
            } else {
              axpy(d, s, c, tiles);
            }
          }
        }
        if (first) {
          Arrays.fill(d, 0, tiles, 0f);
        }
      }
    }
  }

  private static void scale(float[] d, float[] s, float c, int n) {
    for (int t = 0; t < n; t++) {
      d[t] = c * s[t];
    }
  }

  private static void axpy(float[] d, float[] s, float c, int n) {
    for (int t = 0; t < n; t++) {
      d[t] += c * s[t];
    }
  }

  /** {@code rows} arrays of {@code tiles} floats. */
  static float[][] rows(int rows, int tiles) {
    return new float[rows][tiles];
  }
}
