package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;

/**
 * {@code expand_dims} (alias {@code _npi_expand_dims}): inserts an axis of extent 1 at
 * {@code axis}, which ranges over {@code [-ndim-1, ndim]} (negative counts from the end of the
 * output). The data is unchanged (an in-place identity, as in MXNet); shapes are inferred in
 * both directions.
 */
@AutoService(OpDef.class)
public final class ExpandDims extends ReshapeLike<ExpandDims.Params> {
  static final Param<Integer> AXIS = Param.requiredInt("axis");

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final ExpandDims OP = new ExpandDims();

  /**
   * Parameters of {@code expand_dims}.
   *
   * @param axis {@code axis}: where the new axis goes
   */
  public record Params(int axis) {}

  /** For the service loader; use {@link #OP}. */
  public ExpandDims() {
    super("expand_dims", List.of("_npi_expand_dims"), Params.class, List.of(AXIS));
  }

  private static int position(Params p, int inNdim) {
    int a = p.axis() < 0 ? p.axis() + inNdim + 1 : p.axis();
    if (a < 0 || a > inNdim) {
      throw new IllegalArgumentException("axis must be in the range [" + (-inNdim - 1) + ", "
          + inNdim + "] for a " + inNdim + "-dimensional input (" + p.axis() + " provided)");
    }
    return a;
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape in = s.in(0);
    Shape out = s.out(0);
    if (in != null) {
      int a = position(p, in.ndim());
      int[] d = in.dims();
      int[] o = new int[d.length + 1];
      System.arraycopy(d, 0, o, 0, a);
      o[a] = 1;
      System.arraycopy(d, a, o, a + 1, d.length - a);
      s.assignOut(0, Shape.of(o));
    } else if (out != null && out.ndim() > 0) {
      int a = position(p, out.ndim() - 1);
      int[] o = out.dims();
      int[] d = new int[o.length - 1];
      System.arraycopy(o, 0, d, 0, a);
      System.arraycopy(o, a + 1, d, a, d.length - a);
      s.assignIn(0, Shape.of(d));
    }
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(Sample.of(new Params(0), Shape.of(2, 3)),
        Sample.of(new Params(1), Shape.of(2, 3, 4)),
        Sample.of(new Params(-1), Shape.of(2, 3)),
        Sample.of(new Params(3), Shape.of(2, 3, 4)),
        Sample.of(new Params(-4), Shape.of(2, 3, 4)));
  }
}
