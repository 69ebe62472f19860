package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.util.Arrays;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;

/**
 * {@code reverse} (alias {@code flip}): reverses the order of elements along each axis in
 * {@code axis}. As MXNet 1.9.1, axes must be non-negative and below the input's rank; an axis
 * listed twice is reversed twice (MXNet applies each entry in turn). Output shape = input shape;
 * the gradient is the same reversal of the output gradient.
 */
@AutoService(OpDef.class)
public final class Reverse extends OneInputMovement<Reverse.Params> {
  static final Param<int[]> AXIS = Param.requiredTuple("axis");

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Reverse OP = new Reverse();

  /**
   * Parameters of {@code reverse}.
   *
   * @param axis {@code axis}: the axes to reverse
   */
  public record Params(int[] axis) {
    /** Copies the axes. */
    public Params {
      axis = axis.clone();
    }

    /** Reverse {@code axes}. */
    public static Params of(int... axes) {
      return new Params(axes);
    }

    @Override
    public int[] axis() {
      return axis.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Arrays.equals(axis, q.axis);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(axis);
    }

    @Override
    public String toString() {
      return "(axis=" + AttrSyntax.formatTuple(axis) + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Reverse() {
    super("reverse", List.of("flip"), Params.class, List.of(AXIS));
  }

  /** Which axes end up reversed (an odd number of times). */
  private static boolean[] flipped(Params p, Shape in) {
    boolean[] f = new boolean[in.ndim()];
    for (int a : p.axis) {
      if (a < 0 || a >= in.ndim()) {
        throw new IllegalArgumentException("reverse: axis " + a + " is out of range for " + in
            + " (MXNet 1.9.1 accepts axes 0.." + (in.ndim() - 1) + ")");
      }
      f[a] = !f[a];
    }
    return f;
  }

  /** The input's shape, once the axes are checked against it. */
  @Override
  Shape outputShape(Params p, Shape in) {
    flipped(p, in);
    return in;
  }

  /** Also backward: the input has the output's shape. */
  @Override
  public void inferShape(Params p, ShapeSlots s) {
    super.inferShape(p, s);
    if (s.in(0) == null && s.out(0) != null) {
      s.assignIn(0, s.out(0));
    }
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    boolean[] f = flipped(p, in[0]);
    int[] st = strides(in[0]);
    int offset = 0;
    for (int i = 0; i < st.length; i++) {
      if (f[i]) {
        offset += (in[0].get(i) - 1) * st[i];
        st[i] = -st[i];
      }
    }
    return List.of(new Move(0, offset, st, 0, 0, strides(out[0]), out[0].dims()));
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    boolean[] f = flipped(p, inShapes[0]);
    int[] d = inShapes[0].dims();
    double[] y = new double[in[0].length];
    for (int o = 0; o < y.length; o++) {
      int[] c = unravel(o, d);
      for (int i = 0; i < c.length; i++) {
        if (f[i]) {
          c[i] = d[i] - 1 - c[i];
        }
      }
      y[o] = in[0][ravel(c, d)];
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(0), Shape.of(3, 4)),
        Sample.of(Params.of(1), Shape.of(3, 4)),
        Sample.of(Params.of(0, 2), Shape.of(2, 3, 4)),
        Sample.of(Params.of(1, 1), Shape.of(2, 3)));
  }
}
