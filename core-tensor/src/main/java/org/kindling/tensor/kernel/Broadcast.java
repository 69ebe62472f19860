package org.kindling.tensor.kernel;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.kindling.tensor.Shape;

/**
 * NumPy-style broadcasting of two operands, as MXNet's {@code BinaryBroadcastShape}: the shorter
 * shape is padded with leading 1s, and on every axis the extents must be equal or one of them 1
 * (the output takes the other). A plan collapses adjacent axes that broadcast the same way, so
 * the output is walked as {@link #rows()} rows of {@link #rowLength()} elements in which each
 * operand either advances by one ({@link #lhsStep()} = 1) or repeats one element (step 0); row
 * offsets come from {@link #lhsOffset}/{@link #rhsOffset}. Equal shapes collapse to a single row.
 *
 * <p>Plans are immutable and may be shared by threads.
 */
public final class Broadcast {
  /** Elements per chunk of the loops built on plans (as {@link FloatKernels}). */
  public static final int CHUNK = 4096;

  private final Shape lhs;
  private final Shape rhs;
  private final Shape out;
  private final int rows;
  private final int len;
  private final int lhsStep;
  private final int rhsStep;
  /** Extents of the collapsed outer axes (all but the innermost). */
  private final int[] outer;
  private final int[] lhsStride;
  private final int[] rhsStride;

  private Broadcast(Shape lhs, Shape rhs, Shape out, int[] extents, boolean[] lb, boolean[] rb) {
    this.lhs = lhs;
    this.rhs = rhs;
    this.out = out;
    int k = extents.length;
    this.len = extents[k - 1];
    this.lhsStep = lb[k - 1] ? 0 : 1;
    this.rhsStep = rb[k - 1] ? 0 : 1;
    this.outer = new int[k - 1];
    this.lhsStride = new int[k - 1];
    this.rhsStride = new int[k - 1];
    long ls = lb[k - 1] ? 1 : extents[k - 1];
    long rs = rb[k - 1] ? 1 : extents[k - 1];
    long r = 1;
    for (int a = k - 2; a >= 0; a--) {
      outer[a] = extents[a];
      lhsStride[a] = lb[a] ? 0 : (int) ls;
      rhsStride[a] = rb[a] ? 0 : (int) rs;
      ls *= lb[a] ? 1 : extents[a];
      rs *= rb[a] ? 1 : extents[a];
      r *= extents[a];
    }
    this.rows = (int) r;
  }

  /**
   * The broadcast shape of two operands.
   *
   * @throws IllegalArgumentException if an axis has two different extents neither of which is 1
   */
  public static Shape shape(Shape lhs, Shape rhs) {
    if (lhs.equals(rhs)) {
      return lhs;
    }
    int nd = Math.max(lhs.ndim(), rhs.ndim());
    int[] o = new int[nd];
    for (int i = 0; i < nd; i++) {
      int l = padded(lhs, nd, i);
      int r = padded(rhs, nd, i);
      if (l != r && l != 1 && r != 1) {
        throw new IllegalArgumentException("operands could not be broadcast together with shapes "
            + lhs + " " + rhs);
      }
      o[i] = l == 1 ? r : l;
    }
    return Shape.of(o);
  }

  private static int padded(Shape s, int nd, int axis) {
    int i = axis - (nd - s.ndim());
    return i < 0 ? 1 : s.get(i);
  }

  /**
   * The plan for {@code lhs (op) rhs}.
   *
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public static Broadcast of(Shape lhs, Shape rhs) {
    Shape out = shape(lhs, rhs);
    int nd = out.ndim();
    List<int[]> axes = new ArrayList<>(); // {extent, lhs broadcast, rhs broadcast}
    for (int i = 0; i < nd; i++) {
      int e = out.get(i);
      if (e == 1) {
        continue; // contributes nothing to any offset
      }
      int lb = padded(lhs, nd, i) == 1 ? 1 : 0;
      int rb = padded(rhs, nd, i) == 1 ? 1 : 0;
      int[] last = axes.isEmpty() ? null : axes.get(axes.size() - 1);
      if (last != null && last[1] == lb && last[2] == rb) {
        last[0] *= e; // adjacent axes broadcast alike: one axis
      } else {
        axes.add(new int[] {e, lb, rb});
      }
    }
    if (axes.isEmpty()) {
      axes.add(new int[] {1, 0, 0});
    }
    int k = axes.size();
    int[] extents = new int[k];
    boolean[] lb = new boolean[k];
    boolean[] rb = new boolean[k];
    for (int a = 0; a < k; a++) {
      extents[a] = axes.get(a)[0];
      lb[a] = axes.get(a)[1] == 1;
      rb[a] = axes.get(a)[2] == 1;
    }
    return new Broadcast(lhs, rhs, out, extents, lb, rb);
  }

  /** The left operand's shape. */
  public Shape lhs() {
    return lhs;
  }

  /** The right operand's shape. */
  public Shape rhs() {
    return rhs;
  }

  /** The output shape. */
  public Shape out() {
    return out;
  }

  /** Number of rows the output is walked in. */
  public int rows() {
    return rows;
  }

  /** Elements per row; row {@code r} of the output starts at {@code r * rowLength()}. */
  public int rowLength() {
    return len;
  }

  /** 1 if the left operand advances along a row, 0 if it repeats one element. */
  public int lhsStep() {
    return lhsStep;
  }

  /** 1 if the right operand advances along a row, 0 if it repeats one element. */
  public int rhsStep() {
    return rhsStep;
  }

  /** True if the left operand has fewer elements than the output (its gradient is a sum). */
  public boolean lhsBroadcast() {
    return lhs.size() != out.size();
  }

  /** True if the right operand has fewer elements than the output. */
  public boolean rhsBroadcast() {
    return rhs.size() != out.size();
  }

  /**
   * True if every row reads the same elements of the left operand (it is broadcast along every
   * outer axis), so that it repeats with period {@link #rowLength()} over the whole output.
   */
  public boolean lhsRowInvariant() {
    return allZero(lhsStride);
  }

  /** True if every row reads the same elements of the right operand. */
  public boolean rhsRowInvariant() {
    return allZero(rhsStride);
  }

  private static boolean allZero(int[] a) {
    for (int v : a) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  /** Offset in the left operand of row {@code row}'s first element. */
  public int lhsOffset(int row) {
    return offset(row, lhsStride);
  }

  /** Offset in the right operand of row {@code row}'s first element. */
  public int rhsOffset(int row) {
    return offset(row, rhsStride);
  }

  private int offset(int row, int[] stride) {
    int off = 0;
    int r = row;
    for (int a = outer.length - 1; a >= 0; a--) {
      int e = outer[a];
      off += (r % e) * stride[a];
      r /= e;
    }
    return off;
  }

  /**
   * Loads {@code n} elements of an operand's row, from position {@code start} in the row, into
   * {@code dst}: a bulk copy for step 1, the one repeated element for step 0.
   */
  public static void load(FloatBuffer src, int rowOffset, int step, int start, float[] dst,
      int n) {
    if (step == 1) {
      src.get(rowOffset + start, dst, 0, n);
    } else {
      java.util.Arrays.fill(dst, 0, n, src.get(rowOffset));
    }
  }

  /**
   * Adds {@code n} values into an operand-shaped accumulator at the positions a row chunk maps
   * to: one each for step 1, all into the repeated element for step 0.
   */
  public static void accumulate(DoubleBuffer acc, int rowOffset, int step, int start,
      float[] src, int n) {
    if (step == 1) {
      int base = rowOffset + start;
      for (int j = 0; j < n; j++) {
        acc.put(base + j, acc.get(base + j) + src[j]);
      }
    } else {
      double s = 0;
      for (int j = 0; j < n; j++) {
        s += src[j];
      }
      acc.put(rowOffset, acc.get(rowOffset) + s);
    }
  }

  /**
   * Stores an accumulator of {@code n} sums into {@code dst}: overwriting, or adding to what it
   * holds (grad_req add).
   */
  public static void store(DoubleBuffer acc, FloatBuffer dst, int n, boolean add) {
    float[] chunk = new float[Math.min(CHUNK, n)];
    for (int start = 0; start < n; start += CHUNK) {
      int m = Math.min(CHUNK, n - start);
      if (add) {
        dst.get(start, chunk, 0, m);
        for (int j = 0; j < m; j++) {
          chunk[j] = (float) (chunk[j] + acc.get(start + j));
        }
      } else {
        for (int j = 0; j < m; j++) {
          chunk[j] = (float) acc.get(start + j);
        }
      }
      dst.put(start, chunk, 0, m);
    }
  }

  /** Sets {@code acc[0, n)} to zero. */
  public static void zero(DoubleBuffer acc, int n) {
    for (int j = 0; j < n; j++) {
      acc.put(j, 0.0);
    }
  }

  /** The index in an operand of shape {@code s} that output index {@code i} reads (slow path). */
  public static int sourceIndex(Shape out, Shape s, int i) {
    int nd = out.ndim();
    int idx = 0;
    int stride = 1;
    int rest = i;
    for (int a = nd - 1; a >= 0; a--) {
      int e = out.get(a);
      int coord = e == 0 ? 0 : rest % e;
      rest = e == 0 ? 0 : rest / e;
      int se = padded(s, nd, a);
      if (se != 1) {
        idx += coord * stride;
      }
      stride *= se;
    }
    return idx;
  }
}
