package org.kindling.tensor.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Copies (any element size) or accumulates (float32) one strided N-D view into another: the
 * single loop behind the data-movement operators (transpose, slice, concat, split, stack,
 * broadcast, tile, repeat, reverse, take) and their gradients.
 *
 * <p>A view is an offset and one stride per axis, in elements, over a buffer; {@code dims} gives
 * the extent of every axis. Source strides may be 0 (a broadcast) or negative (a reversal);
 * destination strides of an accumulation may be 0, which sums every source element mapped there
 * (the gradient of a broadcast). Axes of extent 1 are dropped and axes that are contiguous in
 * both views are merged first, so that the innermost loop is as long as possible; where it is
 * contiguous in both views it runs as one bulk copy (a memcpy) or a chunked add. A copy whose
 * innermost axis is contiguous in one view and another axis in the other (a transposition) runs
 * tile by tile, with bulk reads and writes for 4-byte elements.
 *
 * <p>Stateless and thread-safe; buffers are addressed absolutely (their positions are ignored).
 */
public final class StridedCopy {
  private static final int CHUNK = 4096;
  /** Tile edge of the blocked transposition loop: 32 x 32 floats stay in L1 on both sides. */
  private static final int TILE = 32;

  private StridedCopy() {}

  /**
   * {@code dst[view] = src[view]} for elements of {@code elemSize} bytes.
   *
   * @param src source bytes (native order)
   * @param srcOffset source element of index (0, ..., 0)
   * @param srcStrides source stride of each axis, in elements
   * @param dst destination bytes (native order)
   * @param dstOffset destination element of index (0, ..., 0)
   * @param dstStrides destination stride of each axis, in elements (never 0 where the extent
   *     exceeds 1: elements would overwrite each other)
   * @param dims extent of each axis
   * @param elemSize bytes per element: 1, 2, 4 or 8
   */
  public static void copy(ByteBuffer src, int srcOffset, int[] srcStrides, ByteBuffer dst,
      int dstOffset, int[] dstStrides, int[] dims, int elemSize) {
    Plan p = Plan.of(srcStrides, dstStrides, dims);
    if (p == null) {
      return;
    }
    Plan t = p.transposition();
    if (t != null) {
      copyTiled(src, srcOffset, dst, dstOffset, t, elemSize);
      return;
    }
    int last = p.dims.length - 1;
    int n = last < 0 ? 1 : p.dims[last];
    int ss = last < 0 ? 1 : p.src[last];
    int ds = last < 0 ? 1 : p.dst[last];
    boolean bulk = ss == 1 && ds == 1;
    Runs r = new Runs(p, last, srcOffset, dstOffset);
    do {
      if (bulk) {
        dst.put(r.d * elemSize, src, r.s * elemSize, n * elemSize);
      } else {
        copyRun(src, r.s, ss, dst, r.d, ds, n, elemSize);
      }
    } while (r.next());
  }

  /**
   * The copy of a view whose two innermost axes are contiguous in opposite views (a matrix
   * transposition): tile by tile, so that both the reads and the writes of a tile stay within a
   * few cache lines instead of one of them striding through memory.
   */
  private static void copyTiled(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset,
      Plan t, int elemSize) {
    int last = t.dims.length - 1;
    int rows = t.dims[last - 1];
    int cols = t.dims[last];
    int sr = t.src[last - 1];
    int sc = t.src[last];
    int dr = t.dst[last - 1];
    int dc = t.dst[last];
    IntBuffer si = elemSize == 4 ? src.duplicate().order(ByteOrder.nativeOrder()).asIntBuffer()
        : null;
    IntBuffer di = elemSize == 4 ? dst.duplicate().order(ByteOrder.nativeOrder()).asIntBuffer()
        : null;
    int[] tile = si == null ? null : new int[TILE * TILE];
    int[] line = si == null ? null : new int[TILE];
    Runs runs = new Runs(t, last - 1, srcOffset, dstOffset);
    do {
      for (int r0 = 0; r0 < rows; r0 += TILE) {
        int rn = Math.min(rows, r0 + TILE) - r0;
        for (int c0 = 0; c0 < cols; c0 += TILE) {
          int cn = Math.min(cols, c0 + TILE) - c0;
          int s0 = runs.s + r0 * sr + c0 * sc;
          int d0 = runs.d + r0 * dr + c0 * dc;
          if (si == null) {
            for (int r = 0; r < rn; r++) {
              copyRun(src, s0 + r * sr, sc, dst, d0 + r * dr, dc, cn, elemSize);
            }
          } else if (sr == 1) {
            // columns are contiguous in the source, rows in the destination
            for (int c = 0; c < cn; c++) {
              si.get(s0 + c * sc, tile, c * TILE, rn);
            }
            for (int r = 0; r < rn; r++) {
              for (int c = 0; c < cn; c++) {
                line[c] = tile[c * TILE + r];
              }
              di.put(d0 + r * dr, line, 0, cn);
            }
          } else {
            // rows are contiguous in the source, columns in the destination
            for (int r = 0; r < rn; r++) {
              si.get(s0 + r * sr, tile, r * TILE, cn);
            }
            for (int c = 0; c < cn; c++) {
              for (int r = 0; r < rn; r++) {
                line[r] = tile[r * TILE + c];
              }
              di.put(d0 + c * dc, line, 0, rn);
            }
          }
        }
      }
    } while (runs.next());
  }

  private static void copyRun(ByteBuffer src, int s, int ss, ByteBuffer dst, int d, int ds, int n,
      int elemSize) {
    switch (elemSize) {
      case 4 -> {
        for (int j = 0; j < n; j++, s += ss, d += ds) {
          dst.putInt(d * 4, src.getInt(s * 4));
        }
      }
      case 8 -> {
        for (int j = 0; j < n; j++, s += ss, d += ds) {
          dst.putLong(d * 8, src.getLong(s * 8));
        }
      }
      case 2 -> {
        for (int j = 0; j < n; j++, s += ss, d += ds) {
          dst.putShort(d * 2, src.getShort(s * 2));
        }
      }
      case 1 -> {
        for (int j = 0; j < n; j++, s += ss, d += ds) {
          dst.put(d, src.get(s));
        }
      }
      default -> throw new IllegalArgumentException("element size " + elemSize);
    }
  }

  /**
   * {@code dst[view] += src[view]} in float32, in row-major order of the view (so that where
   * destination strides are 0 the source elements are summed in index order).
   *
   * @see #copy for the meaning of the arguments
   */
  public static void add(FloatBuffer src, int srcOffset, int[] srcStrides, FloatBuffer dst,
      int dstOffset, int[] dstStrides, int[] dims) {
    Plan p = Plan.of(srcStrides, dstStrides, dims);
    if (p == null) {
      return;
    }
    int last = p.dims.length - 1;
    int n = last < 0 ? 1 : p.dims[last];
    int ss = last < 0 ? 1 : p.src[last];
    int ds = last < 0 ? 1 : p.dst[last];
    boolean bulk = ss == 1 && ds == 1 && n >= 16;
    float[] a = bulk ? new float[Math.min(CHUNK, n)] : null;
    float[] b = bulk ? new float[a.length] : null;
    Runs r = new Runs(p, last, srcOffset, dstOffset);
    do {
      int s = r.s;
      int d = r.d;
      if (bulk) {
        for (int start = 0; start < n; start += CHUNK) {
          int len = Math.min(CHUNK, n - start);
          src.get(s + start, a, 0, len);
          dst.get(d + start, b, 0, len);
          for (int j = 0; j < len; j++) {
            b[j] += a[j];
          }
          dst.put(d + start, b, 0, len);
        }
      } else if (ds == 0) {
        float acc = dst.get(d);
        for (int j = 0, si = s; j < n; j++, si += ss) {
          acc += src.get(si);
        }
        dst.put(d, acc);
      } else {
        for (int j = 0, si = s, di = d; j < n; j++, si += ss, di += ds) {
          dst.put(di, dst.get(di) + src.get(si));
        }
      }
    } while (r.next());
  }

  /**
   * The offsets of a plan's runs (its innermost axis, or two for a tiled transposition): an
   * odometer over the outer axes, starting at the given offsets.
   */
  private static final class Runs {
    private final Plan p;
    private final int[] idx;
    /** The current run's first source element. */
    int s;
    /** The current run's first destination element. */
    int d;

    /** Runs over axes {@code [0, outer)} of {@code p}. */
    Runs(Plan p, int outer, int s, int d) {
      this.p = p;
      this.idx = new int[Math.max(0, outer)];
      this.s = s;
      this.d = d;
    }

    /** Moves to the next run; false after the last. */
    boolean next() {
      for (int k = idx.length - 1; k >= 0; k--) {
        s += p.src[k];
        d += p.dst[k];
        if (++idx[k] < p.dims[k]) {
          return true;
        }
        s -= p.src[k] * p.dims[k];
        d -= p.dst[k] * p.dims[k];
        idx[k] = 0;
      }
      return false;
    }
  }

  /** Row-major strides of a contiguous array of extents {@code dims}. */
  public static int[] contiguousStrides(int[] dims) {
    int[] st = new int[dims.length];
    int s = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      st[i] = s;
      s *= dims[i];
    }
    return st;
  }

  /** The view with unit axes dropped and contiguous neighbours merged; null if it is empty. */
  private record Plan(int[] dims, int[] src, int[] dst) {
    /**
     * This plan reordered so that its last two axes are a transposition worth tiling: the last
     * axis contiguous in one view, the other view's contiguous axis second to last, both long
     * enough; null if the plan is not like that.
     */
    Plan transposition() {
      int last = dims.length - 1;
      if (last < 1 || dims[last] < TILE) {
        return null;
      }
      int[] unitInOther = src[last] == 1 && dst[last] != 1 ? dst
          : dst[last] == 1 && src[last] != 1 ? src : null;
      if (unitInOther == null) {
        return null;
      }
      int k = -1;
      for (int i = 0; i < last; i++) {
        if (unitInOther[i] == 1 && dims[i] >= TILE) {
          k = i;
        }
      }
      if (k < 0) {
        return null;
      }
      int[] order = new int[dims.length];
      for (int i = 0, j = 0; i < last; i++) {
        if (i != k) {
          order[j++] = i;
        }
      }
      order[last - 1] = k;
      order[last] = last;
      int[] dd = new int[dims.length];
      int[] ss = new int[dims.length];
      int[] ts = new int[dims.length];
      for (int i = 0; i < order.length; i++) {
        dd[i] = dims[order[i]];
        ss[i] = src[order[i]];
        ts[i] = dst[order[i]];
      }
      return new Plan(dd, ss, ts);
    }

    static Plan of(int[] srcStrides, int[] dstStrides, int[] dims) {
      if (srcStrides.length != dims.length || dstStrides.length != dims.length) {
        throw new IllegalArgumentException("strided copy: " + dims.length + " axes but "
            + srcStrides.length + " source and " + dstStrides.length + " destination strides");
      }
      int[] dd = new int[dims.length];
      int[] ss = new int[dims.length];
      int[] ts = new int[dims.length];
      int m = 0;
      for (int i = 0; i < dims.length; i++) {
        if (dims[i] == 0) {
          return null;
        }
        if (dims[i] == 1) {
          continue;
        }
        if (m > 0 && ss[m - 1] == srcStrides[i] * dims[i]
            && ts[m - 1] == dstStrides[i] * dims[i]) {
          // the previous axis steps over exactly this one in both views: merge them
          dd[m - 1] *= dims[i];
          ss[m - 1] = srcStrides[i];
          ts[m - 1] = dstStrides[i];
          continue;
        }
        dd[m] = dims[i];
        ss[m] = srcStrides[i];
        ts[m] = dstStrides[i];
        m++;
      }
      return new Plan(java.util.Arrays.copyOf(dd, m), java.util.Arrays.copyOf(ss, m),
          java.util.Arrays.copyOf(ts, m));
    }
  }
}
