package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;

/**
 * {@code Concat} (aliases {@code concat}, {@code _sparse_concat}): joins {@code num_args}
 * inputs {@code arg0 .. arg{n-1}} along {@code dim} (default 1, negative from the end). Every
 * input has the same shape except along {@code dim}; the output's extent there is their sum.
 * Inputs share one element type. The gradient of each input is its slice of the output gradient.
 */
@AutoService(OpDef.class)
public final class Concat extends DataMovement<Concat.Params> {
  static final Param<Integer> NUM_ARGS =
      Param.requiredInt("num_args").checked(v -> v >= 1, ">= 1");
  static final Param<Integer> DIM = Param.intParam("dim", 1);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Concat OP = new Concat();

  /**
   * Parameters of {@code Concat}.
   *
   * @param numArgs {@code num_args}: the number of inputs (>= 1)
   * @param dim {@code dim}: the axis to join along
   */
  public record Params(int numArgs, int dim) {
    /** Checks {@code num_args}. */
    public Params {
      NUM_ARGS.validate(numArgs);
    }

    /** {@code n} inputs along axis 1 (MXNet's default {@code dim}). */
    public static Params of(int n) {
      return new Params(n, 1);
    }

    /** A copy with {@code dim} set. */
    public Params withDim(int v) {
      return new Params(numArgs, v);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Concat() {
    super("Concat", List.of("concat", "_sparse_concat"), Params.class, List.of(NUM_ARGS, DIM));
  }

  /** {@code arg0 .. arg{n-1}}, as MXNet's {@code FListInputNames}. */
  static List<String> argNames(int n) {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add("arg" + i);
    }
    return List.copyOf(names);
  }

  @Override
  public List<String> inputNames(Params p) {
    return argNames(p.numArgs());
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape first = null;
    for (int i = 0; i < s.numInputs(); i++) {
      first = first == null ? s.in(i) : first;
    }
    if (first == null) {
      return;
    }
    if (first.ndim() == 0) {
      throw new IllegalArgumentException("zero-dimensional arrays cannot be concatenated");
    }
    int axis = first.normalizeAxis(p.dim());
    int total = 0;
    for (int i = 0; i < s.numInputs(); i++) {
      Shape x = s.in(i);
      if (x == null) {
        return; // MXNet's partial shapes (unknown extent along dim) are not represented here
      }
      if (!sameExceptAxis(x, first, axis)) {
        throw new IllegalArgumentException("Concat: input arg" + i + " has shape " + x
            + ", incompatible with arg0's " + first + " except along dim " + p.dim());
      }
      total += x.get(axis);
    }
    int[] dims = first.dims();
    dims[axis] = total;
    s.assignOut(0, Shape.of(dims));
  }

  static boolean sameExceptAxis(Shape a, Shape b, int axis) {
    if (a.ndim() != b.ndim()) {
      return false;
    }
    for (int i = 0; i < a.ndim(); i++) {
      if (i != axis && a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    int[] od = out[0].dims();
    int axis = out[0].normalizeAxis(p.dim());
    int outer = prod(od, 0, axis);
    int inner = prod(od, axis + 1, od.length);
    List<Move> moves = new ArrayList<>();
    int at = 0;
    for (int i = 0; i < in.length; i++) {
      int run = in[i].get(axis) * inner;
      moves.add(new Move(i, 0, new int[] {run, 1}, 0, at, new int[] {od[axis] * inner, 1},
          new int[] {outer, run}));
      at += run;
    }
    return moves;
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    int axis = inShapes[0].normalizeAxis(p.dim());
    int[] od = inShapes[0].dims();
    od[axis] = 0;
    for (Shape s : inShapes) {
      od[axis] += s.get(axis);
    }
    double[] y = new double[prod(od, 0, od.length)];
    for (int o = 0; o < y.length; o++) {
      int[] c = unravel(o, od);
      int k = 0;
      while (c[axis] >= inShapes[k].get(axis)) {
        c[axis] -= inShapes[k].get(axis);
        k++;
      }
      y[o] = in[k][ravel(c, inShapes[k].dims())];
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(2), Shape.of(2, 3), Shape.of(2, 4)),
        Sample.of(Params.of(3).withDim(0), Shape.of(1, 3), Shape.of(2, 3), Shape.of(3, 3)),
        Sample.of(Params.of(3).withDim(-1), Shape.of(2, 2, 1), Shape.of(2, 2, 3),
            Shape.of(2, 2, 2)),
        Sample.of(Params.of(2).withDim(1), Shape.of(2, 1, 3), Shape.of(2, 2, 3)),
        Sample.of(Params.of(1).withDim(0), Shape.of(3, 2)));
  }
}
