package org.kindling.tensor.op.reduce;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import org.kindling.tensor.Shape;

/**
 * Where the elements of each output of a reduction live in its row-major input: output
 * {@code o} reduces the {@code m} input elements {@code base(o) + offset(k)}, {@code k < m}, in
 * increasing order of {@code k}, which is MXNet's order (its CPU reduction walks the reduced
 * coordinates of one output in row-major order). The order matters for the order-dependent rules
 * MXNet follows: the first of equal maxima, the Kahan sums of {@code nansum}, the running scale
 * of the L2 norm.
 *
 * <p>When the reduced axes form a trailing block the offsets are {@code 0..m-1} and elements are
 * read in bulk; otherwise the offsets are computed into the kernel's workspace at each call.
 *
 * <p>When kept axes follow the last reduced axis ({@link #inner} > 1, e.g. a reduction over axis
 * 0 of a matrix), neighbouring outputs read neighbouring inputs: the kernels then reduce
 * {@code inner} outputs side by side ("lanes"), one contiguous input row per reduced index, so
 * that every read is sequential. Output {@code o * inner + j} is lane {@code j} of outer index
 * {@code o}, whose elements are {@code outerBase(o) + offset(k) + j}.
 */
final class ReduceLayout {
  /** Elements read per bulk get. */
  static final int CHUNK = 1024;

  final int outCount;
  final int m;
  final boolean contiguous;
  /** Extent of the trailing block of kept axes after the last reduced axis (1 if none). */
  final int inner;
  private final int[] keptDims;
  private final int[] keptStrides;
  private final int[] outerDims;
  private final int[] outerStrides;
  private final int[] redDims;
  private final int[] redStrides;

  private ReduceLayout(int[] dims, boolean[] reduced) {
    int n = dims.length;
    int[] strides = new int[n];
    int s = 1;
    for (int i = n - 1; i >= 0; i--) {
      strides[i] = s;
      s *= dims[i];
    }
    int kept = 0;
    for (boolean r : reduced) {
      kept += r ? 0 : 1;
    }
    keptDims = new int[kept];
    keptStrides = new int[kept];
    redDims = new int[n - kept];
    redStrides = new int[n - kept];
    int out = 1;
    int red = 1;
    boolean seenReduced = false;
    boolean contig = true;
    for (int i = 0, a = 0, b = 0; i < n; i++) {
      if (reduced[i]) {
        redDims[b] = dims[i];
        redStrides[b++] = strides[i];
        red *= dims[i];
        seenReduced |= dims[i] > 1;
      } else {
        keptDims[a] = dims[i];
        keptStrides[a++] = strides[i];
        out *= dims[i];
        // a kept axis after a reduced one splits the reduced elements apart
        contig &= !(seenReduced && dims[i] > 1);
      }
    }
    this.outCount = out;
    this.m = red;
    this.contiguous = contig;
    int lastRed = -1;
    for (int i = 0; i < n; i++) {
      if (reduced[i] && dims[i] > 1) {
        lastRed = i;
      }
    }
    int in = 1;
    for (int i = lastRed + 1; i < n; i++) {
      in *= dims[i];
    }
    this.inner = in;
    int outers = 0;
    for (int i = 0; i <= lastRed; i++) {
      outers += reduced[i] ? 0 : 1;
    }
    outerDims = new int[outers];
    outerStrides = new int[outers];
    for (int i = 0, a = 0; i <= lastRed; i++) {
      if (!reduced[i]) {
        outerDims[a] = dims[i];
        outerStrides[a++] = strides[i];
      }
    }
  }

  /** Input index of lane 0 of outer index {@code o} (lane layout, {@code inner > 1}). */
  int outerBase(int o) {
    int pos = 0;
    for (int a = outerDims.length - 1; a >= 0; a--) {
      int d = outerDims[a];
      pos += (o % d) * outerStrides[a];
      o /= d;
    }
    return pos;
  }

  /** Offset of reduced index {@code k} ({@code off} null means the offsets are 0..m-1). */
  static int offset(IntBuffer off, int k) {
    return off == null ? k : off.get(k);
  }

  /**
   * The layout of reducing the axes flagged in {@code reduced} of {@code in}.
   *
   * @throws IllegalArgumentException if the flags do not match the shape
   */
  static ReduceLayout of(Shape in, boolean[] reduced) {
    if (reduced.length != in.ndim()) {
      throw new IllegalArgumentException(reduced.length + " axis flags for shape " + in);
    }
    return new ReduceLayout(in.dims(), reduced.clone());
  }

  /** Scratch bytes for the offsets (0 when they are 0..m-1). */
  long workspaceBytes() {
    return contiguous ? 0 : 4L * m;
  }

  /** Computes the offsets into {@code ws}, or returns null when they are {@code 0..m-1}. */
  IntBuffer offsets(ByteBuffer ws) {
    if (contiguous) {
      return null;
    }
    IntBuffer off = ws.duplicate().order(ByteOrder.nativeOrder()).asIntBuffer();
    int[] idx = new int[redDims.length];
    int pos = 0;
    for (int k = 0; k < m; k++) {
      off.put(k, pos);
      for (int a = redDims.length - 1; a >= 0; a--) {
        pos += redStrides[a];
        if (++idx[a] < redDims[a]) {
          break;
        }
        pos -= redStrides[a] * redDims[a];
        idx[a] = 0;
      }
    }
    return off;
  }

  /** Input index of the first element reduced into output {@code o}. */
  int base(int o) {
    int pos = 0;
    for (int a = keptDims.length - 1; a >= 0; a--) {
      int d = keptDims[a];
      pos += (o % d) * keptStrides[a];
      o /= d;
    }
    return pos;
  }

  /** Reads elements {@code k0 .. k0+len-1} of the output at {@code base} into {@code dst}. */
  void gather(FloatBuffer x, int base, IntBuffer off, int k0, int len, float[] dst) {
    if (off == null) {
      x.get(base + k0, dst, 0, len);
      return;
    }
    for (int j = 0; j < len; j++) {
      dst[j] = x.get(base + off.get(k0 + j));
    }
  }

  /**
   * Writes (or adds) {@code g[0..len)} to elements {@code k0 ..} of the output at {@code base};
   * {@code scratch} (at least {@code len} long) holds the current values when adding.
   */
  void scatter(float[] g, int len, FloatBuffer dx, int base, IntBuffer off, int k0,
      boolean add, float[] scratch) {
    if (off == null) {
      if (add) {
        float[] cur = scratch;
        dx.get(base + k0, cur, 0, len);
        for (int j = 0; j < len; j++) {
          cur[j] += g[j];
        }
        dx.put(base + k0, cur, 0, len);
      } else {
        dx.put(base + k0, g, 0, len);
      }
      return;
    }
    for (int j = 0; j < len; j++) {
      int i = base + off.get(k0 + j);
      dx.put(i, add ? dx.get(i) + g[j] : g[j]);
    }
  }

  /**
   * Output index of every input element, in input order: the reference loops' grouping.
   *
   * @param in input shape
   * @param reduced reduced-axis flags
   */
  static int[] outputIndexOf(Shape in, boolean[] reduced) {
    int[] dims = in.dims();
    int n = in.intSize();
    int[] result = new int[n];
    int[] idx = new int[dims.length];
    for (int i = 0; i < n; i++) {
      int o = 0;
      for (int a = 0; a < dims.length; a++) {
        if (!reduced[a]) {
          o = o * dims[a] + idx[a];
        }
      }
      result[i] = o;
      for (int a = dims.length - 1; a >= 0; a--) {
        if (++idx[a] < dims[a]) {
          break;
        }
        idx[a] = 0;
      }
    }
    return result;
  }

  /** The reference grouping: the inputs of each output, in input order. */
  static double[][] groups(Shape in, boolean[] reduced, double[] x) {
    int[] owner = outputIndexOf(in, reduced);
    int outs = 1;
    for (int a = 0; a < reduced.length; a++) {
      outs *= reduced[a] ? 1 : in.get(a);
    }
    int[] count = new int[outs];
    for (int o : owner) {
      count[o]++;
    }
    double[][] g = new double[outs][];
    for (int o = 0; o < outs; o++) {
      g[o] = new double[count[o]];
    }
    Arrays.fill(count, 0);
    for (int i = 0; i < owner.length; i++) {
      g[owner[i]][count[owner[i]]++] = x[i];
    }
    return g;
  }
}
