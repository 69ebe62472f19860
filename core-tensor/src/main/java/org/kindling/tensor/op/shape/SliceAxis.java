package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code slice_axis}: elements {@code begin .. end-1} along {@code axis} (all three may be
 * negative, counting from the end; {@code end} None means the axis length). As MXNet, the range
 * must be non-empty and inside the axis. The gradient scatters into a zero input gradient.
 */
@AutoService(OpDef.class)
public final class SliceAxis extends OneInputMovement<SliceAxis.Params> {
  static final Param<Integer> AXIS = Param.requiredInt("axis");
  static final Param<Integer> BEGIN = Param.requiredInt("begin");
  static final Param<String> END = OptionalInts.requiredOptionalInt("end");

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final SliceAxis OP = new SliceAxis();

  /**
   * Parameters of {@code slice_axis}. {@code end} is a required parameter whose value may be
   * None, so it is kept as its attribute string ({@code None} or an integer).
   *
   * @param axis {@code axis}
   * @param begin {@code begin}
   * @param end {@code end}: an integer or {@code None}
   */
  public record Params(int axis, int begin, String end) {
    /** Checks {@code end} and keeps its canonical string. */
    public Params {
      end = OptionalInts.requireOptionalInt("end", end);
    }

    /** {@code begin:end} along {@code axis}; a null {@code end} is None. */
    public static Params of(int axis, int begin, Integer end) {
      return new Params(axis, begin, end == null ? "None" : end.toString());
    }

    /** The decoded {@code end}, null for None. */
    public Integer endIndex() {
      return OptionalInts.optionalInt("end", end);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public SliceAxis() {
    super("slice_axis", List.of(), Params.class, List.of(AXIS, BEGIN, END));
  }

  /** {@code {axis, begin, end}} resolved by MXNet's {@code GetSliceAxisParams}. */
  static int[] resolve(Params p, Shape d) {
    int axis = p.axis() < 0 ? p.axis() + d.ndim() : p.axis();
    if (axis < 0 || axis >= d.ndim()) {
      throw new IllegalArgumentException("slice_axis: axis " + p.axis() + " is out of range for "
          + d);
    }
    int size = d.get(axis);
    int begin = p.begin() < 0 ? p.begin() + size : p.begin();
    int end;
    if (size == 0) {
      return new int[] {axis, 0, 0};
    }
    Integer e = p.endIndex();
    end = e == null ? size : (e < 0 ? e + size : e);
    if (end > size || begin < 0 || begin >= end) {
      throw new IllegalArgumentException("slice_axis: invalid begin=" + p.begin() + ", end="
          + p.end() + " for axis " + p.axis() + " of extent " + size + " (the range must be "
          + "non-empty and inside the axis)");
    }
    return new int[] {axis, begin, end};
  }

  @Override
  Shape outputShape(Params p, Shape in) {
    int[] r = resolve(p, in);
    int[] dims = in.dims();
    dims[r[0]] = r[2] - r[1];
    return Shape.of(dims);
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    int[] r = resolve(p, in[0]);
    int[] st = strides(in[0]);
    return List.of(new Move(0, r[1] * st[r[0]], st, 0, 0, strides(out[0]), out[0].dims()));
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    int[] r = resolve(p, inShapes[0]);
    int[] od = inShapes[0].dims();
    od[r[0]] = r[2] - r[1];
    double[] y = new double[prod(od, 0, od.length)];
    for (int o = 0; o < y.length; o++) {
      int[] c = unravel(o, od);
      c[r[0]] += r[1];
      y[o] = in[0][ravel(c, inShapes[0].dims())];
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(0, 1, 3), Shape.of(3, 4)),
        Sample.of(Params.of(1, 0, 2), Shape.of(3, 4)),
        Sample.of(Params.of(1, -3, -1), Shape.of(3, 4)),
        Sample.of(Params.of(-1, 1, null), Shape.of(2, 3, 4)),
        Sample.of(Params.of(1, 1, null), Shape.of(2, 3, 4)));
  }
}
