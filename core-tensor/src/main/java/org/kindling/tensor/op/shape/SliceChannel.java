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
 * {@code SliceChannel} (alias {@code split}): splits the input along {@code axis} (default 1,
 * negative from the end) into {@code num_outputs} equal parts, the visible outputs
 * {@code output0 .. output{n-1}}. {@code num_outputs} must divide the axis. With
 * {@code squeeze_axis} the split axis is removed from the outputs, which requires its extent
 * to equal {@code num_outputs}. The input gradient joins the output gradients.
 */
@AutoService(OpDef.class)
public final class SliceChannel extends DataMovement<SliceChannel.Params> {
  static final Param<Integer> NUM_OUTPUTS =
      Param.requiredInt("num_outputs").checked(v -> v >= 1, ">= 1");
  static final Param<Integer> AXIS = Param.intParam("axis", 1);
  static final Param<Boolean> SQUEEZE_AXIS = Param.boolParam("squeeze_axis", false);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final SliceChannel OP = new SliceChannel();

  /**
   * Parameters of {@code SliceChannel}.
   *
   * @param numOutputs {@code num_outputs}: the number of parts (>= 1)
   * @param axis {@code axis}: the axis to split
   * @param squeezeAxis {@code squeeze_axis}: drop the split axis from the outputs
   */
  public record Params(int numOutputs, int axis, boolean squeezeAxis) {
    /** Checks {@code num_outputs}. */
    public Params {
      NUM_OUTPUTS.validate(numOutputs);
    }

    /** {@code n} parts along axis 1 (MXNet's defaults). */
    public static Params of(int n) {
      return new Params(n, 1, false);
    }

    /** A copy with {@code axis} set. */
    public Params withAxis(int v) {
      return new Params(numOutputs, v, squeezeAxis);
    }

    /** A copy with {@code squeeze_axis} set. */
    public Params withSqueezeAxis(boolean v) {
      return new Params(numOutputs, axis, v);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public SliceChannel() {
    super("SliceChannel", List.of("split"), Params.class,
        List.of(NUM_OUTPUTS, AXIS, SQUEEZE_AXIS));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data");
  }

  @Override
  public List<String> outputNames(Params p) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < p.numOutputs(); i++) {
      names.add("output" + i);
    }
    return List.copyOf(names);
  }

  /** The shape of each output. */
  static Shape partShape(Params p, Shape d) {
    int a = d.normalizeAxis(p.axis());
    int len = d.get(a);
    if (len % p.numOutputs() != 0) {
      throw new IllegalArgumentException("cannot split axis " + a + " of " + d + " into "
          + "num_outputs=" + p.numOutputs() + " evenly sized chunks: " + p.numOutputs()
          + " does not divide " + len);
    }
    if (p.squeezeAxis() && len != p.numOutputs()) {
      throw new IllegalArgumentException("with squeeze_axis=True the split axis must have "
          + "extent num_outputs=" + p.numOutputs() + ", but it is " + len + " in " + d);
    }
    int[] dims = d.dims();
    dims[a] = len / p.numOutputs();
    if (!p.squeezeAxis()) {
      return Shape.of(dims);
    }
    int[] sq = new int[dims.length - 1];
    for (int i = 0, j = 0; i < dims.length; i++) {
      if (i != a) {
        sq[j++] = dims[i];
      }
    }
    return Shape.of(sq);
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    Shape part = partShape(p, d);
    for (int k = 0; k < p.numOutputs(); k++) {
      s.assignOut(k, part);
    }
  }

  @Override
  List<Move> moves(Params p, Shape[] in, Shape[] out) {
    int[] d = in[0].dims();
    int a = in[0].normalizeAxis(p.axis());
    int outer = prod(d, 0, a);
    int inner = prod(d, a + 1, d.length);
    int run = d[a] / p.numOutputs() * inner;
    List<Move> moves = new ArrayList<>();
    for (int k = 0; k < p.numOutputs(); k++) {
      moves.add(new Move(0, k * run, new int[] {d[a] * inner, 1}, k, 0, new int[] {run, 1},
          new int[] {outer, run}));
    }
    return moves;
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    int[] d = inShapes[0].dims();
    int a = inShapes[0].normalizeAxis(p.axis());
    int[] pd = d.clone();
    pd[a] = d[a] / p.numOutputs();
    int size = prod(pd, 0, pd.length);
    double[][] out = new double[p.numOutputs()][size];
    for (int k = 0; k < out.length; k++) {
      for (int o = 0; o < size; o++) {
        int[] c = unravel(o, pd);
        c[a] += k * pd[a];
        out[k][o] = in[0][ravel(c, d)];
      }
    }
    return out;
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(2), Shape.of(3, 4)),
        Sample.of(Params.of(3).withAxis(0).withSqueezeAxis(true), Shape.of(3, 2, 2)),
        Sample.of(Params.of(2).withAxis(-1), Shape.of(2, 3, 4)),
        Sample.of(Params.of(3).withAxis(1), Shape.of(2, 6, 2)),
        Sample.of(Params.of(1).withAxis(0), Shape.of(2, 3)));
  }
}
