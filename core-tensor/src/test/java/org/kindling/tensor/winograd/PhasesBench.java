package org.kindling.tensor.winograd;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Thread CPU nanoseconds per row of the moves a Winograd gather and scatter make for one row of
 * a wide map (VGG-16's conv1_2: 224 columns): the split into m phases and the interleave of m
 * tile elements, as m strided passes (the loops {@link Phases} replaced) and as {@link Phases}
 * runs them; and, for scale, a row's copy out of and into a direct buffer far larger than the
 * caches (the input read and the output written once per call) and into one that stays in
 * cache. A report, not a test:
 *
 * <pre>java -cp ... org.kindling.tensor.winograd.PhasesBench [m,..] [rows]</pre>
 *
 * <p>m comes from the arguments, not a constant, as in {@link TiledConv}: with m constant C2
 * unrolls the strided passes and they run about as fast as the ordered ones.
 */
public final class PhasesBench {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final int COLUMNS = 224;
  private static float sink;

  private PhasesBench() {}

  public static void main(String[] args) {
    int[] ms = Arrays.stream((args.length > 0 ? args[0] : "4,6").split(","))
        .mapToInt(Integer::parseInt).toArray();
    long n = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000;
    FloatBuffer big = ByteBuffer.allocateDirect(256 << 20).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    FloatBuffer small = ByteBuffer.allocateDirect(64 << 10).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    for (int m : ms) {
      int tiles = (COLUMNS + m - 1) / m;
      int width = tiles * m + Transforms.R - 1;
      float[] row = new float[width];
      float[][] phase = new float[m][tiles + 1];
      float[][] src = new float[m][tiles];
      float[] line = new float[tiles * m];
      for (int i = 0; i < width; i++) {
        row[i] = i;
      }
      int bigRows = big.capacity() / line.length;
      int smallRows = small.capacity() / line.length;
      for (int round = 0; round < 4; round++) {
        long t0 = MX.getCurrentThreadCpuTime();
        for (long r = 0; r < n; r++) {
          row[(int) (r & 63)] = r;
          stridedSplit(row, width, m, phase);
        }
        long t1 = MX.getCurrentThreadCpuTime();
        for (long r = 0; r < n; r++) {
          row[(int) (r & 63)] = r;
          Phases.split(row, width, m, phase);
        }
        long t2 = MX.getCurrentThreadCpuTime();
        for (long r = 0; r < n; r++) {
          stridedInterleave(src, tiles, m, r, line);
        }
        long t3 = MX.getCurrentThreadCpuTime();
        for (long r = 0; r < n; r++) {
          Phases.interleave(src, 0, 0, tiles, m, r, line);
        }
        long t4 = MX.getCurrentThreadCpuTime();
        for (long r = 0; r < n; r++) {
          big.put((int) (r % bigRows) * line.length, line, 0, line.length);
        }
        long t5 = MX.getCurrentThreadCpuTime();
        for (long r = 0; r < n; r++) {
          small.put((int) (r % smallRows) * line.length, line, 0, line.length);
        }
        long t6 = MX.getCurrentThreadCpuTime();
        for (long r = 0; r < n; r++) {
          big.get((int) (r % bigRows) * line.length, row, 1, line.length);
        }
        long t7 = MX.getCurrentThreadCpuTime();
        sink += phase[1][2] + line[3] + row[5];
        System.out.printf(Locale.ROOT, "m %d, %d columns, ns per row: split strided %.1f, Phases"
            + " %.1f; interleave strided %.1f, Phases %.1f; put into 256 MB %.1f, into 64 KB %.1f;"
            + " get from 256 MB %.1f%n", m, line.length, per(t1 - t0, n), per(t2 - t1, n),
            per(t3 - t2, n), per(t4 - t3, n), per(t5 - t4, n), per(t6 - t5, n), per(t7 - t6, n));
      }
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  private static double per(long nanos, long n) {
    return nanos / (double) n;
  }

  /** The split as TiledConv ran it before {@link Phases}. */
  private static void stridedSplit(float[] row, int width, int m, float[][] phase) {
    for (int q = 0; q < m; q++) {
      float[] ph = phase[q];
      int count = (width - q + m - 1) / m;
      for (int k = 0; k < count; k++) {
        ph[k] = row[k * m + q];
      }
    }
  }

  /** The interleave as TiledConv ran it before {@link Phases}. */
  private static void stridedInterleave(float[][] src, int tiles, int m, float bias,
      float[] line) {
    for (int j = 0; j < m; j++) {
      float[] s = src[j];
      for (int tx = 0; tx < tiles; tx++) {
        line[tx * m + j] = s[tx] + bias;
      }
    }
  }
}
