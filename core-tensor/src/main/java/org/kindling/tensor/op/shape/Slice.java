package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code slice} (aliases {@code crop}, {@code _sparse_slice}, {@code _npx_slice},
 * {@code _npi_slice}): the region {@code begin:end:step} of the first {@code len(begin)} axes,
 * in MXNet's attribute syntax with {@code None} entries, e.g. {@code begin=(None, 1)},
 * {@code end=(None, 3)}, {@code step=(-1, 1)}. As MXNet's {@code GetIndexRange}: a None step is
 * 1; a None begin is 0 (the last index for a negative step); a None end is the axis length (one
 * before the first index for a negative step); negative begin/end count from the end; indices
 * are clipped to the axis, and an empty range gives extent 0. Axes after {@code len(begin)} are
 * taken whole. The gradient scatters the output gradient into a zero input gradient.
 */
@AutoService(OpDef.class)
public final class Slice extends OneInputMovement<Slice.Params> {
  static final Param<String> BEGIN = OptionalInts.requiredTuple("begin");
  static final Param<String> END = OptionalInts.requiredTuple("end");
  static final Param<String> STEP = OptionalInts.tupleOrEmpty("step");

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Slice OP = new Slice();

  /**
   * Parameters of {@code slice}, held as MXNet's attribute strings (tuples of int or None).
   *
   * @param begin {@code begin}, e.g. {@code (None, 1)}; required
   * @param end {@code end}, as long as {@code begin}; required
   * @param step {@code step}: empty, or as long as {@code begin}
   */
  public record Params(String begin, String end, String step) {
    /** Checks the syntax and lengths and keeps the canonical strings. */
    public Params {
      begin = OptionalInts.requireTuple("begin", begin);
      end = OptionalInts.requireTuple("end", end);
      step = OptionalInts.requireTuple("step", step == null ? "()" : step);
      int nb = OptionalInts.tuple("begin", begin).length;
      if (OptionalInts.tuple("end", end).length != nb) {
        throw new IllegalArgumentException("begin=" + begin + " and end=" + end
            + " must have the same length");
      }
      Integer[] st = OptionalInts.tuple("step", step);
      if (st.length != 0 && st.length != nb) {
        throw new IllegalArgumentException("step=" + step + " and begin=" + begin
            + " must have the same length");
      }
      for (Integer s : st) {
        if (s != null && s == 0) {
          throw new IllegalArgumentException("slice step cannot be 0: step=" + step);
        }
      }
    }

    /** {@code begin:end} with unit steps; null entries are None. */
    public static Params of(Integer[] begin, Integer[] end) {
      return new Params(OptionalInts.format(begin), OptionalInts.format(end), "()");
    }

    /** A copy with {@code step} set (null entries are None). */
    public Params withStep(Integer... step) {
      return new Params(begin, end, OptionalInts.format(step));
    }

    /** The decoded {@code begin} (null for None). */
    public Integer[] beginIndices() {
      return OptionalInts.tuple("begin", begin);
    }

    /** The decoded {@code end}. */
    public Integer[] endIndices() {
      return OptionalInts.tuple("end", end);
    }

    /** The decoded {@code step}. */
    public Integer[] stepSizes() {
      return OptionalInts.tuple("step", step);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Slice() {
    super("slice", List.of("crop", "_sparse_slice", "_npx_slice", "_npi_slice"), Params.class,
        List.of(BEGIN, END, STEP));
  }

  /** Resolved begin, step and output extent of each axis. */
  record Ranges(int[] begin, int[] step, int[] extent) {}

  /** MXNet's {@code GetIndexRange} and {@code SetSliceOpOutputDimSize}. */
  static Ranges ranges(Params p, Shape d) {
    Integer[] pb = p.beginIndices();
    Integer[] pe = p.endIndices();
    Integer[] ps = p.stepSizes();
    int n = d.ndim();
    if (n == 0) {
      throw new IllegalArgumentException("slice only works for ndim > 0");
    }
    if (pb.length > n) {
      throw new IllegalArgumentException("slicing axes " + p.begin() + " exceed the "
          + n + " dimensions of " + d);
    }
    int[] begin = new int[n];
    int[] step = new int[n];
    int[] extent = d.dims();
    for (int i = 0; i < n; i++) {
      step[i] = 1;
    }
    for (int i = 0; i < pb.length; i++) {
      int s = ps.length > 0 && ps[i] != null ? ps[i] : 1;
      int len = d.get(i);
      int b = 0;
      int e = 0;
      if (len > 0) {
        b = pb[i] != null ? pb[i] : (s < 0 ? len - 1 : 0);
        e = pe[i] != null ? pe[i] : (s < 0 ? -1 : len);
        if (b < 0) {
          b += len;
        }
        if (e < 0 && pe[i] != null) {
          e += len;
        }
        b = b < 0 && s > 0 ? 0 : b;
        b = b > len - 1 && s < 0 ? len - 1 : b;
        b = b < 0 || b > len - 1 ? -1 : b; // -1: the range is empty
        e = Math.max(e, -1);
        e = Math.min(e, len);
      }
      int size;
      if (e != b && b >= 0) {
        size = s > 0 ? (e > b ? (e - b - 1) / s + 1 : 0) : (e < b ? (b - e - 1) / (-s) + 1 : 0);
      } else {
        size = 0;
      }
      begin[i] = Math.max(b, 0);
      step[i] = s;
      extent[i] = size;
    }
    return new Ranges(begin, step, extent);
  }

  @Override
  Shape outputShape(Params p, Shape in) {
    return Shape.of(ranges(p, in).extent());
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    Ranges r = ranges(p, in[0]);
    int[] st = strides(in[0]);
    int offset = 0;
    int[] src = new int[st.length];
    for (int i = 0; i < st.length; i++) {
      offset += r.begin()[i] * st[i];
      src[i] = r.step()[i] * st[i];
    }
    return List.of(new Move(0, offset, src, 0, 0, strides(out[0]), r.extent()));
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Ranges r = ranges(p, inShapes[0]);
    int[] od = r.extent();
    double[] y = new double[prod(od, 0, od.length)];
    for (int o = 0; o < y.length; o++) {
      int[] c = unravel(o, od);
      for (int i = 0; i < c.length; i++) {
        c[i] = r.begin()[i] + c[i] * r.step()[i];
      }
      y[o] = in[0][ravel(c, inShapes[0].dims())];
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(new Integer[] {0, 1}, new Integer[] {2, 4}), Shape.of(3, 4)),
        Sample.of(new Params("(None, 0)", "(None, 3)", "(-1, 2)"), Shape.of(3, 4)),
        Sample.of(new Params("(1,)", "(-1,)", "()"), Shape.of(4, 2, 3)),
        Sample.of(new Params("(None, None, -1)", "(None, None, 0)", "(None, None, -2)"),
            Shape.of(2, 2, 5)),
        Sample.of(new Params("(-10, 1)", "(10, -1)", "(None, None)"), Shape.of(3, 4)),
        Sample.of(new Params("(None,)", "(None,)", "(-1,)"), Shape.of(5)));
  }
}
