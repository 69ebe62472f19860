package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;

/**
 * {@code repeat} (alias {@code _np_repeat}): repeats each element {@code repeats} times along
 * {@code axis} (negative from the end), or, when {@code axis} is None, of the flattened input
 * into a 1-D output. {@code repeats = 0} gives the empty shape {@code (0,)}, as MXNet. The
 * gradient sums the output gradient over the repetitions.
 */
@AutoService(OpDef.class)
public final class Repeat extends OneInputMovement<Repeat.Params> {
  static final Param<Integer> REPEATS =
      Param.requiredInt("repeats").checked(v -> v >= 0, ">= 0 (repeats cannot be negative)");
  static final Param<Integer> AXIS = Param.intParam("axis", 0).optional();

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Repeat OP = new Repeat();

  /**
   * Parameters of {@code repeat}.
   *
   * @param repeats {@code repeats}: copies of each element (>= 0)
   * @param axis {@code axis}: the axis, or null (None) for the flattened input
   */
  public record Params(int repeats, Integer axis) {
    /** Checks {@code repeats}. */
    public Params {
      REPEATS.validate(repeats);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Repeat() {
    super("repeat", List.of("_np_repeat"), Params.class, List.of(REPEATS, AXIS));
  }

  /** {@code (outer, len, inner)} of the input around the repeated axis. */
  private static int[] split(Params p, Shape in) {
    if (p.axis() == null) {
      return new int[] {1, in.intSize(), 1};
    }
    int a = p.axis() < 0 ? p.axis() + in.ndim() : p.axis();
    if (a < 0 || a >= in.ndim()) {
      throw new IllegalArgumentException("repeat: axis = " + p.axis() + " out of bounds for "
          + in);
    }
    int[] d = in.dims();
    return new int[] {prod(d, 0, a), d[a], prod(d, a + 1, d.length)};
  }

  @Override
  Shape outputShape(Params p, Shape in) {
    split(p, in); // checks the axis
    if (p.repeats() == 0) {
      return Shape.of(0);
    }
    if (p.axis() == null) {
      return Shape.of(in.intSize() * p.repeats());
    }
    int[] d = in.dims();
    int a = p.axis() < 0 ? p.axis() + d.length : p.axis();
    d[a] *= p.repeats();
    return Shape.of(d);
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    int[] s = split(p, in[0]);
    int r = p.repeats();
    // output as (outer, len, repeats, inner); the input does not move along repeats
    return List.of(new Move(0, 0, new int[] {s[1] * s[2], s[2], 0, 1}, 0, 0,
        new int[] {s[1] * r * s[2], r * s[2], s[2], 1}, new int[] {s[0], s[1], r, s[2]}));
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    int[] s = split(p, inShapes[0]);
    int r = p.repeats();
    double[] y = new double[s[0] * s[1] * r * s[2]];
    for (int o = 0; o < y.length; o++) {
      int k = o % s[2];
      int j = o / s[2] / r % s[1];
      int i = o / s[2] / r / s[1];
      y[o] = in[0][(i * s[1] + j) * s[2] + k];
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(new Params(2, null), Shape.of(2, 2)),
        Sample.of(new Params(2, 1), Shape.of(2, 3)),
        Sample.of(new Params(3, 0), Shape.of(2, 2)),
        Sample.of(new Params(2, -1), Shape.of(2, 2, 3)),
        Sample.of(new Params(1, 0), Shape.of(3)));
  }
}
