package org.kindling.tensor.winograd;

/**
 * Moves a row of tiles between its interleaved form ({@code row[tx·m + j]}: element j of tile
 * tx) and its m phases ({@code phase[j][tx]}) or, for rows too narrow for the phases, its tiles'
 * elements ({@code d[j][tx]}): the gather of input rows and the scatter of output rows. C2
 * vectorizes neither direction (one side is strided), so both run scalar; what matters is the
 * order: for F(4x4) and F(6x6) (m = 4 and 6) one iteration moves one tile's elements, so the
 * strided side is read or written in address order instead of in passes that each step over
 * the row by m. Measured on the Xeon of docs/benchmarks.md (one thread, 224-column rows, thread
 * CPU time, {@code PhasesBench}): 1.7-2.8x faster than the strided passes with m not a
 * compile-time constant, as it is in {@link TiledConv}. The Vector API is no help here: on JDK
 * 17 its rearranges made the same interleave no faster (one-source rearrange and blend) or 7x
 * slower (two-source rearrange); see decision 0065. Values are moved (and, in {@link
 * #interleave}, given a bias) exactly as the strided loops would: the results are the same bits.
 */
final class Phases {
  private Phases() {}

  /**
   * {@code phase[q][k] = row[k·m + q]} for every {@code k·m + q < width}; each
   * {@code phase[q]} holds at least {@code ceil((width - q) / m)} floats.
   */
  static void split(float[] row, int width, int m, float[][] phase) {
    int full = width / m;
    if (m == 4) {
      float[] p0 = phase[0];
      float[] p1 = phase[1];
      float[] p2 = phase[2];
      float[] p3 = phase[3];
      for (int k = 0; k < full; k++) {
        int o = 4 * k;
        p0[k] = row[o];
        p1[k] = row[o + 1];
        p2[k] = row[o + 2];
        p3[k] = row[o + 3];
      }
    } else if (m == 6) {
      float[] p0 = phase[0];
      float[] p1 = phase[1];
      float[] p2 = phase[2];
      float[] p3 = phase[3];
      float[] p4 = phase[4];
      float[] p5 = phase[5];
      for (int k = 0; k < full; k++) {
        int o = 6 * k;
        p0[k] = row[o];
        p1[k] = row[o + 1];
        p2[k] = row[o + 2];
        p3[k] = row[o + 3];
        p4[k] = row[o + 4];
        p5[k] = row[o + 5];
      }
    } else {
      for (int q = 0; q < m; q++) {
        float[] p = phase[q];
        for (int k = 0; k < full; k++) {
          p[k] = row[k * m + q];
        }
      }
    }
    for (int i = full * m; i < width; i++) {
      phase[i - full * m][full] = row[i];
    }
  }

  /**
   * {@code d[first + j][at + tx] = row[tx·m + j]} for {@code tx < tiles}, {@code j < alpha}:
   * every element of a row's tiles, each tile's alpha elements per iteration (for rows too
   * narrow for the phases, where m passes and alpha copies of a few floats cost more).
   */
  static void gather(float[] row, int m, int alpha, int tiles, float[][] d, int first, int at) {
    if (m == 4 && alpha == 6) {
      float[] d0 = d[first];
      float[] d1 = d[first + 1];
      float[] d2 = d[first + 2];
      float[] d3 = d[first + 3];
      float[] d4 = d[first + 4];
      float[] d5 = d[first + 5];
      for (int tx = 0; tx < tiles; tx++) {
        int o = 4 * tx;
        int t = at + tx;
        d0[t] = row[o];
        d1[t] = row[o + 1];
        d2[t] = row[o + 2];
        d3[t] = row[o + 3];
        d4[t] = row[o + 4];
        d5[t] = row[o + 5];
      }
    } else if (m == 6 && alpha == 8) {
      float[] d0 = d[first];
      float[] d1 = d[first + 1];
      float[] d2 = d[first + 2];
      float[] d3 = d[first + 3];
      float[] d4 = d[first + 4];
      float[] d5 = d[first + 5];
      float[] d6 = d[first + 6];
      float[] d7 = d[first + 7];
      for (int tx = 0; tx < tiles; tx++) {
        int o = 6 * tx;
        int t = at + tx;
        d0[t] = row[o];
        d1[t] = row[o + 1];
        d2[t] = row[o + 2];
        d3[t] = row[o + 3];
        d4[t] = row[o + 4];
        d5[t] = row[o + 5];
        d6[t] = row[o + 6];
        d7[t] = row[o + 7];
      }
    } else {
      for (int j = 0; j < alpha; j++) {
        float[] dst = d[first + j];
        for (int tx = 0; tx < tiles; tx++) {
          dst[at + tx] = row[j + tx * m];
        }
      }
    }
  }

  /**
   * {@code line[tx·m + j] = src[first + j][from + tx] + bias} for {@code tx < tiles},
   * {@code j < m}: one output row of a tile row, element j of its tiles from array
   * {@code first + j}.
   */
  static void interleave(float[][] src, int first, int from, int tiles, int m, float bias,
      float[] line) {
    if (m == 4) {
      float[] s0 = src[first];
      float[] s1 = src[first + 1];
      float[] s2 = src[first + 2];
      float[] s3 = src[first + 3];
      for (int tx = 0; tx < tiles; tx++) {
        int o = 4 * tx;
        int t = from + tx;
        line[o] = s0[t] + bias;
        line[o + 1] = s1[t] + bias;
        line[o + 2] = s2[t] + bias;
        line[o + 3] = s3[t] + bias;
      }
    } else if (m == 6) {
      float[] s0 = src[first];
      float[] s1 = src[first + 1];
      float[] s2 = src[first + 2];
      float[] s3 = src[first + 3];
      float[] s4 = src[first + 4];
      float[] s5 = src[first + 5];
      for (int tx = 0; tx < tiles; tx++) {
        int o = 6 * tx;
        int t = from + tx;
        line[o] = s0[t] + bias;
        line[o + 1] = s1[t] + bias;
        line[o + 2] = s2[t] + bias;
        line[o + 3] = s3[t] + bias;
        line[o + 4] = s4[t] + bias;
        line[o + 5] = s5[t] + bias;
      }
    } else {
      for (int j = 0; j < m; j++) {
        float[] s = src[first + j];
        for (int tx = 0; tx < tiles; tx++) {
          line[tx * m + j] = s[from + tx] + bias;
        }
      }
    }
  }
}
