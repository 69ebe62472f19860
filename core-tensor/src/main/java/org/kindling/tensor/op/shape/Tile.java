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
 * {@code tile} (alias {@code _npi_tile}): repeats the whole input {@code reps[i]} times along
 * each axis. With {@code d = len(reps)} the output has {@code max(d, ndim)} axes: the shorter of
 * the input shape and {@code reps} is padded with leading 1s. Empty {@code reps} copies the
 * input. Every entry must be positive (in MXNet's legacy shape mode a 0 makes the shape
 * unknown). The gradient sums the output gradient over the copies.
 */
@AutoService(OpDef.class)
public final class Tile extends OneInputMovement<Tile.Params> {
  static final Param<int[]> REPS = Param.requiredTuple("reps");

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Tile OP = new Tile();

  /**
   * Parameters of {@code tile}.
   *
   * @param reps {@code reps}: repetitions per axis (trailing axes aligned)
   */
  public record Params(int[] reps) {
    /** Copies and checks the repetitions. */
    public Params {
      reps = reps.clone();
      for (int r : reps) {
        if (r < 1) {
          throw new IllegalArgumentException("tile: every entry of reps="
              + AttrSyntax.formatTuple(reps) + " must be a positive integer");
        }
      }
    }

    /** Tile by {@code reps}. */
    public static Params of(int... reps) {
      return new Params(reps);
    }

    @Override
    public int[] reps() {
      return reps.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Arrays.equals(reps, q.reps);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(reps);
    }

    @Override
    public String toString() {
      return "(reps=" + AttrSyntax.formatTuple(reps) + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Tile() {
    super("tile", List.of("_npi_tile"), Params.class, List.of(REPS));
  }

  /** The input extents and repetitions, both padded with leading 1s to the output rank. */
  private static int[][] aligned(Params p, Shape in) {
    int n = Math.max(in.ndim(), p.reps.length);
    int[] dims = new int[n];
    int[] reps = new int[n];
    Arrays.fill(dims, 1);
    Arrays.fill(reps, 1);
    System.arraycopy(in.dims(), 0, dims, n - in.ndim(), in.ndim());
    System.arraycopy(p.reps, 0, reps, n - p.reps.length, p.reps.length);
    return new int[][] {dims, reps};
  }

  @Override
  Shape outputShape(Params p, Shape in) {
    if (p.reps.length == 0) {
      return in;
    }
    int[][] a = aligned(p, in);
    int[] out = new int[a[0].length];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[0][i] * a[1][i];
    }
    return Shape.of(out);
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    int[][] a = aligned(p, in[0]);
    int n = a[0].length;
    int[] inStrides = org.kindling.tensor.kernel.StridedCopy.contiguousStrides(a[0]);
    int[] outStrides = strides(out[0]);
    // the output as (reps0, dims0, reps1, dims1, ...): the input repeats along every reps axis
    int[] dims = new int[2 * n];
    int[] src = new int[2 * n];
    int[] dst = new int[2 * n];
    for (int i = 0; i < n; i++) {
      dims[2 * i] = a[1][i];
      dims[2 * i + 1] = a[0][i];
      src[2 * i] = 0;
      src[2 * i + 1] = inStrides[i];
      dst[2 * i] = a[0][i] * outStrides[i];
      dst[2 * i + 1] = outStrides[i];
    }
    return List.of(new Move(0, 0, src, 0, 0, dst, dims));
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Shape out = outputShape(p, inShapes[0]);
    int[][] a = aligned(p, inShapes[0]);
    int[] od = out.dims();
    double[] y = new double[out.intSize()];
    for (int o = 0; o < y.length; o++) {
      int[] c = unravel(o, od);
      for (int i = 0; i < c.length; i++) {
        c[i] %= a[0][i];
      }
      y[o] = in[0][ravel(c, a[0])];
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(2, 3), Shape.of(2, 2)),
        Sample.of(Params.of(2), Shape.of(2, 3)),
        Sample.of(Params.of(2, 1, 2), Shape.of(3, 2)),
        Sample.of(Params.of(), Shape.of(2, 3)),
        Sample.of(Params.of(3, 1), Shape.of(1, 4)));
  }
}
