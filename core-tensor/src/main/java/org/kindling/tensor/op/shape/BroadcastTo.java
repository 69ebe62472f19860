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
 * {@code broadcast_to}: repeats the input along its axes of extent 1 to {@code shape}, which
 * has as many axes as the input; a 0 in {@code shape} keeps the input's extent. The gradient
 * sums the output gradient over the broadcast axes.
 */
@AutoService(OpDef.class)
public final class BroadcastTo extends OneInputMovement<BroadcastTo.Params> {
  static final Param<int[]> SHAPE = Param.tupleParam("shape", new int[0]);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final BroadcastTo OP = new BroadcastTo();

  /**
   * Parameters of {@code broadcast_to}.
   *
   * @param shape {@code shape}: the target, 0 keeping the input's extent
   */
  public record Params(int[] shape) {
    /** Copies the shape. */
    public Params {
      shape = shape.clone();
    }

    /** Broadcast to {@code shape}. */
    public static Params of(int... shape) {
      return new Params(shape);
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Arrays.equals(shape, q.shape);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
      return "(shape=" + AttrSyntax.formatTuple(shape) + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public BroadcastTo() {
    super("broadcast_to", List.of(), Params.class, List.of(SHAPE));
  }

  /** MXNet's {@code BroadcastToShape}. */
  @Override
  Shape outputShape(Params p, Shape in) {
    if (in.ndim() != p.shape.length) {
      throw new IllegalArgumentException("operand of shape " + in + " cannot be broadcast to "
          + AttrSyntax.formatTuple(p.shape) + ": the number of axes differs");
    }
    int[] out = p.shape.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0) {
        out[i] = in.get(i);
      } else if (in.get(i) != out[i] && in.get(i) != 1) {
        throw new IllegalArgumentException("array cannot be broadcast from " + in + " to "
            + AttrSyntax.formatTuple(p.shape));
      }
    }
    return Shape.of(out);
  }

  /** The move that reads a broadcast input (stride 0 where the input has extent 1). */
  static Move broadcastMove(Shape in, Shape out) {
    int[] st = strides(in);
    for (int i = 0; i < st.length; i++) {
      if (in.get(i) == 1) {
        st[i] = 0;
      }
    }
    return new Move(0, 0, st, 0, 0, strides(out), out.dims());
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    return List.of(broadcastMove(in[0], out[0]));
  }

  /** The reference: each output element reads the input at its coordinates, 0 on unit axes. */
  static double[] broadcastReference(Shape in, Shape out, double[] x) {
    int[] od = out.dims();
    int[] id = in.dims();
    double[] y = new double[out.intSize()];
    for (int o = 0; o < y.length; o++) {
      int[] c = unravel(o, od);
      for (int i = 0; i < c.length; i++) {
        if (id[i] == 1) {
          c[i] = 0;
        }
      }
      y[o] = x[ravel(c, id)];
    }
    return y;
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    return new double[][] {broadcastReference(inShapes[0], outputShape(p, inShapes[0]), in[0])};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(2, 3), Shape.of(1, 3)),
        Sample.of(Params.of(2, 0), Shape.of(1, 3)),
        Sample.of(Params.of(3, 2, 4), Shape.of(3, 1, 1)),
        Sample.of(Params.of(2, 3, 0), Shape.of(1, 3, 2)),
        Sample.of(Params.of(4), Shape.of(1)));
  }
}
