package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.util.Arrays;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code squeeze}: removes axes of extent 1, those listed in {@code axis} (each must have
 * extent 1; negative counts from the end) or, when {@code axis} is None, all of them. Unlike
 * numpy, at least one axis remains: squeezing {@code (1, 1)} gives {@code (1,)}. The data is
 * copied unchanged. MXNet declares no in-place identity for squeeze (unlike expand_dims), so
 * neither does this.
 */
@AutoService(OpDef.class)
public final class Squeeze extends OneInputMovement<Squeeze.Params> {
  static final Param<int[]> AXIS = Param.tupleParam("axis", new int[0]).optional();

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Squeeze OP = new Squeeze();

  /**
   * Parameters of {@code squeeze}.
   *
   * @param axis {@code axis}: axes to remove, or null (None) for every axis of extent 1
   */
  public record Params(int[] axis) {
    /** Copies the axes. */
    public Params {
      axis = axis == null ? null : axis.clone();
    }

    /** Removes every axis of extent 1. */
    public static Params all() {
      return new Params(null);
    }

    /** Removes {@code axes}. */
    public static Params of(int... axes) {
      return new Params(axes);
    }

    @Override
    public int[] axis() {
      return axis == null ? null : axis.clone();
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
      return "(axis=" + (axis == null ? "None" : AttrSyntax.formatTuple(axis)) + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Squeeze() {
    super("squeeze", List.of(), Params.class, List.of(AXIS));
  }

  /** MXNet's {@code SqueezeShape}. */
  @Override
  Shape outputShape(Params p, Shape in) {
    int n = in.ndim();
    boolean[] drop = new boolean[n];
    if (p.axis != null) {
      for (int a : p.axis) {
        int b = a < 0 ? a + n : a;
        if (b < 0 || b >= n) {
          throw new IllegalArgumentException(
              "axis " + a + " is out of bounds for array of dimension " + n);
        }
        if (in.get(b) != 1) {
          throw new IllegalArgumentException("cannot select an axis to squeeze out which has "
              + "size=" + in.get(b) + " not equal to one (axis " + a + " of " + in + ")");
        }
        if (drop[b]) {
          throw new IllegalArgumentException("duplicate value in axis="
              + AttrSyntax.formatTuple(p.axis));
        }
        drop[b] = true;
      }
    } else {
      for (int i = 0; i < n; i++) {
        drop[i] = in.get(i) == 1;
      }
    }
    int[] dims = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (!drop[i]) {
        dims[m++] = in.get(i);
      }
    }
    return m == 0 ? Shape.of(1) : Shape.of(Arrays.copyOf(dims, m));
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    int n = in[0].intSize();
    return List.of(new Move(0, 0, new int[] {1}, 0, 0, new int[] {1}, new int[] {n}));
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    return new double[][] {in[0].clone()};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(Sample.of(Params.all(), Shape.of(1, 3, 1, 2)),
        Sample.of(Params.of(0), Shape.of(1, 3, 1)),
        Sample.of(Params.of(-1, 0), Shape.of(1, 3, 1)),
        Sample.of(Params.all(), Shape.of(1, 1)));
  }
}
