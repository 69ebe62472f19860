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
 * {@code stack}: joins {@code num_args} inputs {@code arg0 .. arg{n-1}} of one shape along a
 * new axis {@code axis} (default 0; negative counts from the end of the output), so the output
 * has one more axis, of extent {@code num_args}. The gradient of each input is its slice.
 */
@AutoService(OpDef.class)
public final class Stack extends DataMovement<Stack.Params> {
  static final Param<Integer> AXIS = Param.intParam("axis", 0);
  static final Param<Integer> NUM_ARGS =
      Param.requiredInt("num_args").checked(v -> v >= 1, ">= 1");

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Stack OP = new Stack();

  /**
   * Parameters of {@code stack}, in MXNet's order.
   *
   * @param axis {@code axis}: position of the new axis in the output
   * @param numArgs {@code num_args}: the number of inputs (>= 1)
   */
  public record Params(int axis, int numArgs) {
    /** Checks {@code num_args}. */
    public Params {
      NUM_ARGS.validate(numArgs);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Stack() {
    super("stack", List.of(), Params.class, List.of(AXIS, NUM_ARGS));
  }

  @Override
  public List<String> inputNames(Params p) {
    return Concat.argNames(p.numArgs());
  }

  private static int axis(Params p, int outNdim) {
    int a = p.axis() < 0 ? p.axis() + outNdim : p.axis();
    if (a < 0 || a >= outNdim) {
      throw new IllegalArgumentException("axis " + p.axis() + " exceeds the output dimension "
          + outNdim + " of stack");
    }
    return a;
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = null;
    for (int i = 0; i < s.numInputs(); i++) {
      d = d == null ? s.in(i) : d;
    }
    if (d == null) {
      return;
    }
    for (int i = 0; i < s.numInputs(); i++) {
      s.assignIn(i, d); // every input has one shape
    }
    int a = axis(p, d.ndim() + 1);
    int[] dims = new int[d.ndim() + 1];
    for (int i = 0, j = 0; i < dims.length; i++) {
      dims[i] = i == a ? p.numArgs() : d.get(j++);
    }
    s.assignOut(0, Shape.of(dims));
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    int[] od = out[0].dims();
    int a = axis(p, od.length);
    int lead = prod(od, 0, a);
    int trail = prod(od, a + 1, od.length);
    List<Move> moves = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      moves.add(new Move(i, 0, new int[] {trail, 1}, 0, i * trail,
          new int[] {p.numArgs() * trail, 1}, new int[] {lead, trail}));
    }
    return moves;
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    int[] d = inShapes[0].dims();
    int a = axis(p, d.length + 1);
    int[] od = new int[d.length + 1];
    for (int i = 0, j = 0; i < od.length; i++) {
      od[i] = i == a ? p.numArgs() : d[j++];
    }
    double[] y = new double[prod(od, 0, od.length)];
    for (int o = 0; o < y.length; o++) {
      int[] c = unravel(o, od);
      int[] ic = new int[d.length];
      for (int i = 0, j = 0; i < od.length; i++) {
        if (i != a) {
          ic[j++] = c[i];
        }
      }
      y[o] = in[c[a]][ravel(ic, d)];
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(0, 2), Shape.of(2, 3), Shape.of(2, 3)),
        Sample.of(new Params(1, 3), Shape.of(2, 3), Shape.of(2, 3), Shape.of(2, 3)),
        Sample.of(new Params(-1, 2), Shape.of(3, 2), Shape.of(3, 2)),
        Sample.of(new Params(2, 3), Shape.of(2, 2), Shape.of(2, 2), Shape.of(2, 2)),
        Sample.of(new Params(0, 1), Shape.of(4)));
  }
}
