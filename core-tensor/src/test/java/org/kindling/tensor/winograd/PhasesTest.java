package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Phases} against the strided loops it replaces, on seeded random rows: the unrolled
 * paths (m = 4 and 6) and the generic one (other m), widths that are and are not multiples of
 * m, and values (NaN, -0, ±Inf) whose bits a move must keep.
 */
class PhasesTest {
  private static final float[] SPECIAL = {Float.NaN, -0f, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, Float.MIN_VALUE};

  @Test
  void splitGivesEveryPhaseElementOfTheRow() {
    SplittableRandom rnd = new SplittableRandom(65);
    for (int c = 0; c < 300; c++) {
      int m = 2 + rnd.nextInt(6);
      int width = 1 + rnd.nextInt(250);
      float[] row = randomRow(rnd, width + rnd.nextInt(3)); // floats past width are not read
      float[][] phase = new float[m][width / m + 1];
      float[][] want = new float[m][width / m + 1];
      for (float[] p : phase) {
        java.util.Arrays.fill(p, 7f); // untouched past each phase's length
      }
      for (float[] p : want) {
        java.util.Arrays.fill(p, 7f);
      }
      for (int q = 0; q < m; q++) {
        for (int k = 0; k * m + q < width; k++) {
          want[q][k] = row[k * m + q];
        }
      }
      Phases.split(row, width, m, phase);
      for (int q = 0; q < m; q++) {
        assertThat(bits(phase[q])).as("case %d, m %d, width %d, phase %d", c, m, width, q)
            .isEqualTo(bits(want[q]));
      }
    }
  }

  @Test
  void gatherGivesEveryElementOfEveryTile() {
    SplittableRandom rnd = new SplittableRandom(67);
    for (int c = 0; c < 300; c++) {
      int m = 2 + rnd.nextInt(6);
      int alpha = m + 2;
      int tiles = 1 + rnd.nextInt(12);
      int at = rnd.nextInt(3 * tiles);
      int first = rnd.nextInt(3);
      float[] row = randomRow(rnd, tiles * m + 2 + rnd.nextInt(3));
      float[][] d = new float[first + alpha + 1][at + tiles + 2];
      float[][] want = new float[d.length][at + tiles + 2];
      for (int i = 0; i < d.length; i++) {
        java.util.Arrays.fill(d[i], 5f);
        java.util.Arrays.fill(want[i], 5f);
      }
      for (int j = 0; j < alpha; j++) {
        for (int tx = 0; tx < tiles; tx++) {
          want[first + j][at + tx] = row[tx * m + j];
        }
      }
      Phases.gather(row, m, alpha, tiles, d, first, at);
      for (int i = 0; i < d.length; i++) {
        assertThat(bits(d[i])).as("case %d, m %d, tiles %d, array %d", c, m, tiles, i)
            .isEqualTo(bits(want[i]));
      }
    }
  }

  @Test
  void interleaveWritesEachTileElementPlusBias() {
    SplittableRandom rnd = new SplittableRandom(66);
    for (int c = 0; c < 300; c++) {
      int m = 2 + rnd.nextInt(6);
      int tiles = 1 + rnd.nextInt(60);
      int from = rnd.nextInt(3 * tiles);
      int first = rnd.nextInt(3);
      float[][] src = new float[first + m + rnd.nextInt(3)][];
      for (int i = 0; i < src.length; i++) {
        src[i] = randomRow(rnd, from + tiles + rnd.nextInt(4));
      }
      float bias = rnd.nextInt(4) == 0 ? -0f : (float) rnd.nextDouble(-2, 2);
      float[] line = new float[tiles * m + 2];
      float[] want = new float[tiles * m + 2];
      line[tiles * m] = want[tiles * m] = 9f;
      for (int j = 0; j < m; j++) {
        for (int tx = 0; tx < tiles; tx++) {
          want[tx * m + j] = src[first + j][from + tx] + bias;
        }
      }
      Phases.interleave(src, first, from, tiles, m, bias, line);
      assertThat(bits(line)).as("case %d, m %d, tiles %d", c, m, tiles).isEqualTo(bits(want));
    }
  }

  private static float[] randomRow(SplittableRandom rnd, int n) {
    float[] r = new float[n];
    for (int i = 0; i < n; i++) {
      r[i] = rnd.nextInt(20) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)]
          : (float) rnd.nextDouble(-1, 1);
    }
    return r;
  }

  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToRawIntBits(a[i]);
    }
    return b;
  }
}
