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
 * {@code transpose}: permutes the axes, {@code out.shape[i] = in.shape[axes[i]]}; empty
 * {@code axes} (the default) reverses them. At most 6 axes, as MXNet. {@code axes} must be a
 * permutation of {@code 0..ndim-1}: MXNet 1.9.1's legacy shape inference indexes the shape with
 * the raw values, so negative axes fail there too. The gradient is the inverse transpose.
 */
@AutoService(OpDef.class)
public final class Transpose extends OneInputMovement<Transpose.Params> {
  static final Param<int[]> AXES = Param.tupleParam("axes", new int[0]);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Transpose OP = new Transpose();

  /**
   * Parameters of {@code transpose}.
   *
   * @param axes {@code axes}: the permutation, or empty to reverse the axes
   */
  public record Params(int[] axes) {
    /** Copies the axes. */
    public Params {
      axes = axes.clone();
    }

    /** Permutes by {@code axes} (none: reverse). */
    public static Params of(int... axes) {
      return new Params(axes);
    }

    @Override
    public int[] axes() {
      return axes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Arrays.equals(axes, q.axes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(axes);
    }

    @Override
    public String toString() {
      return "(axes=" + AttrSyntax.formatTuple(axes) + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Transpose() {
    super("transpose", List.of(), Params.class, List.of(AXES));
  }

  /**
   * The permutation for {@code ndim} axes.
   *
   * @throws IllegalArgumentException if {@code axes} is not a permutation of the axes
   */
  static int[] permutation(Params p, int ndim) {
    if (ndim > 6) {
      throw new IllegalArgumentException("transpose supports at most 6 dimensions, got " + ndim);
    }
    int[] axes = p.axes;
    if (axes.length == 0) {
      axes = new int[ndim];
      for (int i = 0; i < ndim; i++) {
        axes[i] = ndim - 1 - i;
      }
      return axes;
    }
    boolean[] seen = new boolean[ndim];
    boolean ok = axes.length == ndim;
    for (int a : axes) {
      ok &= a >= 0 && a < ndim && !seen[a];
      if (ok) {
        seen[a] = true;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException("axes=" + AttrSyntax.formatTuple(axes)
          + " is not a permutation of the " + ndim + " axes 0.." + (ndim - 1)
          + " (negative axes are not accepted by MXNet's transpose)");
    }
    return axes.clone();
  }

  @Override
  Shape outputShape(Params p, Shape in) {
    int[] perm = permutation(p, in.ndim());
    int[] dims = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      dims[i] = in.get(perm[i]);
    }
    return Shape.of(dims);
  }

  /** Also backward: the input's shape from the output's. */
  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape out = s.out(0);
    if (s.in(0) != null) {
      s.assignOut(0, outputShape(p, s.in(0)));
    } else if (out != null) {
      int[] perm = permutation(p, out.ndim());
      int[] dims = new int[perm.length];
      for (int i = 0; i < perm.length; i++) {
        dims[perm[i]] = out.get(i);
      }
      s.assignIn(0, Shape.of(dims));
    }
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    int[] perm = permutation(p, in[0].ndim());
    int[] inStrides = strides(in[0]);
    int[] src = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      src[i] = inStrides[perm[i]];
    }
    return List.of(new Move(0, 0, src, 0, 0, strides(out[0]), out[0].dims()));
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    int[] perm = permutation(p, inShapes[0].ndim());
    int[] inDims = inShapes[0].dims();
    int[] outDims = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      outDims[i] = inDims[perm[i]];
    }
    double[] y = new double[in[0].length];
    for (int o = 0; o < y.length; o++) {
      int[] c = unravel(o, outDims);
      int[] ic = new int[c.length];
      for (int i = 0; i < c.length; i++) {
        ic[perm[i]] = c[i];
      }
      y[o] = in[0][ravel(ic, inDims)];
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(), Shape.of(3, 4)),
        Sample.of(Params.of(), Shape.of(2, 3, 4)),
        Sample.of(Params.of(1, 0, 2), Shape.of(2, 3, 4)),
        Sample.of(Params.of(0, 2, 1), Shape.of(2, 3, 4)),
        Sample.of(Params.of(2, 0, 3, 1), Shape.of(2, 3, 2, 3)),
        Sample.of(Params.of(0), Shape.of(5)));
  }
}
