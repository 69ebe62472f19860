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
 * {@code broadcast_axis} (alias {@code broadcast_axes}): repeats the input along the listed
 * {@code axis} entries, each of extent 1, to the matching {@code size}. As in MXNet 1.9.1 the
 * axes must be non-negative (its shape function indexes the shape with them). The gradient sums
 * the output gradient over those axes.
 */
@AutoService(OpDef.class)
public final class BroadcastAxis extends OneInputMovement<BroadcastAxis.Params> {
  static final Param<int[]> AXIS = Param.tupleParam("axis", new int[0]);
  static final Param<int[]> SIZE = Param.tupleParam("size", new int[0]);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final BroadcastAxis OP = new BroadcastAxis();

  /**
   * Parameters of {@code broadcast_axis}.
   *
   * @param axis {@code axis}: the axes to broadcast
   * @param size {@code size}: the target extent of each, as many as {@code axis}
   */
  public record Params(int[] axis, int[] size) {
    /** Copies the tuples and checks their lengths. */
    public Params {
      axis = axis.clone();
      size = size.clone();
      if (axis.length != size.length) {
        throw new IllegalArgumentException("axis=" + AttrSyntax.formatTuple(axis) + " and size="
            + AttrSyntax.formatTuple(size) + " must have the same length");
      }
    }

    /** Broadcast {@code axis} to {@code size}. */
    public static Params of(int[] axis, int[] size) {
      return new Params(axis, size);
    }

    @Override
    public int[] axis() {
      return axis.clone();
    }

    @Override
    public int[] size() {
      return size.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params q && Arrays.equals(axis, q.axis) && Arrays.equals(size, q.size);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(axis) * 31 + Arrays.hashCode(size);
    }

    @Override
    public String toString() {
      return "(axis=" + AttrSyntax.formatTuple(axis) + ", size=" + AttrSyntax.formatTuple(size)
          + ")";
    }
  }

  /** For the service loader; use {@link #OP}. */
  public BroadcastAxis() {
    super("broadcast_axis", List.of("broadcast_axes"), Params.class, List.of(AXIS, SIZE));
  }

  /** MXNet's {@code BroadcastAxesShape}. */
  @Override
  Shape outputShape(Params p, Shape in) {
    int[] out = in.dims();
    for (int i = 0; i < p.axis.length; i++) {
      int a = p.axis[i];
      if (a < 0 || a >= out.length) {
        throw new IllegalArgumentException("broadcast_axis: axis " + a + " is out of range for "
            + in + " (MXNet 1.9.1 accepts only non-negative axes here)");
      }
      if (in.get(a) != 1) {
        throw new IllegalArgumentException("broadcasting axis " + a + " of " + in
            + " must have size 1");
      }
      out[a] = p.size[i];
    }
    return Shape.of(out);
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    return List.of(BroadcastTo.broadcastMove(in[0], out[0]));
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    Shape out = outputShape(p, inShapes[0]);
    return new double[][] {BroadcastTo.broadcastReference(inShapes[0], out, in[0])};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(new int[] {2}, new int[] {3}), Shape.of(1, 2, 1)),
        Sample.of(Params.of(new int[] {0, 2}, new int[] {2, 3}), Shape.of(1, 2, 1)),
        Sample.of(Params.of(new int[] {0}, new int[] {4}), Shape.of(1, 3)),
        Sample.of(Params.of(new int[] {1}, new int[] {5}), Shape.of(2, 1)));
  }
}
