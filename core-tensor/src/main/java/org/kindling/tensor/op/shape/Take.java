package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.StridedCopy;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.MxEnum;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code take} (alias {@code _npi_take}): gathers slices of {@code a} along {@code axis}
 * (default 0, negative from the end) at {@code indices}, which may have any shape and any
 * numeric type; output shape {@code a.shape[:axis] + indices.shape + a.shape[axis+1:]}, type of
 * {@code a}. Indices are truncated to integers (a C cast), then {@code mode} handles those out of
 * range: {@code clip} (default) clamps them, {@code wrap} takes them modulo the axis length,
 * {@code raise} makes the call fail (checked before the cast, as MXNet: 2.5 on an axis of 3 is
 * out of bounds). The gradient of {@code a} adds the output gradient back at the (resolved)
 * indices; {@code indices} get a zero gradient.
 */
@AutoService(OpDef.class)
public final class Take extends OpDef<Take.Params> {
  /** MXNet's {@code mode} values. */
  public enum Mode implements MxEnum {
    RAISE,
    WRAP,
    CLIP
  }

  static final Param<Integer> AXIS = Param.intParam("axis", 0);
  static final Param<Mode> MODE = Param.enumParam("mode", Mode.class, Mode.CLIP);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Take OP = new Take();

  /**
   * Parameters of {@code take}.
   *
   * @param axis {@code axis}
   * @param mode {@code mode}
   */
  public record Params(int axis, Mode mode) {
    /** Checks the mode is set. */
    public Params {
      MODE.validate(mode);
    }

    /** Along axis 0, clipping (MXNet's defaults). */
    public static Params defaults() {
      return new Params(0, Mode.CLIP);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Take() {
    super("take", List.of("_npi_take"), Params.class, List.of(AXIS, MODE));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("a", "indices");
  }

  private static int axis(Params p, Shape a) {
    int ax = p.axis() < 0 ? p.axis() + a.ndim() : p.axis();
    if (ax < 0 || ax >= a.ndim()) {
      throw new IllegalArgumentException("take: axis " + p.axis() + " should be in the range "
          + "[-r, r-1] where r = " + a.ndim() + " is the rank of a " + a);
    }
    return ax;
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape a = s.in(0);
    Shape idx = s.in(1);
    if (a == null || idx == null) {
      return;
    }
    int ax = axis(p, a);
    int[] out = new int[a.ndim() - 1 + idx.ndim()];
    int k = 0;
    for (int i = 0; i < ax; i++) {
      out[k++] = a.get(i);
    }
    for (int i = 0; i < idx.ndim(); i++) {
      out[k++] = idx.get(i);
    }
    for (int i = ax + 1; i < a.ndim(); i++) {
      out[k++] = a.get(i);
    }
    s.assignOut(0, Shape.of(out));
  }

  /** The data and output share a type; indices may be of any type. */
  @Override
  public void inferType(Params p, TypeSlots t) {
    if (t.in(0) != null) {
      t.assignOut(0, t.in(0));
    } else if (t.out(0) != null) {
      t.assignIn(0, t.out(0));
    }
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return BackwardDeps.inputs(1);
  }

  /** The index actually read for raw index {@code v} on an axis of length {@code k}. */
  static int resolve(Mode mode, double v, int k) {
    long j = (long) v; // C cast: truncation toward zero
    if (mode == Mode.CLIP) {
      return (int) (j <= 0 ? 0 : Math.min(j, k - 1));
    }
    long w = j % k;
    return (int) (w < 0 ? w + k : w);
  }

  /** {@code (outer, k, inner)} of {@code a} around the axis. */
  private static int[] layout(Params p, Shape a) {
    int ax = axis(p, a);
    int[] d = a.dims();
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= d[i];
    }
    int inner = 1;
    for (int i = ax + 1; i < d.length; i++) {
      inner *= d[i];
    }
    return new int[] {outer, d[ax], inner};
  }

  private static void checkIndices(Params p, TensorView idx, int k) {
    if (idx.size() > 0 && k == 0) {
      throw new IllegalArgumentException("take: cannot take indices from an axis of length 0");
    }
    if (p.mode() != Mode.RAISE) {
      return;
    }
    for (int j = 0; j < idx.size(); j++) {
      double v = idx.getDouble(j);
      if (!(v >= 0 && v <= k - 1)) {
        throw new IllegalArgumentException("take operator contains indices out of bound: "
            + v + " for an axis of length " + k + " (mode='raise')");
      }
    }
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.inTypes()[0] == sig.outTypes()[0]
        ? new Cpu(p, layout(p, sig.in(0)), sig.in(1).intSize(), sig.inTypes()[0].byteSize())
        : null));
  }

  private record Cpu(Params p, int[] lay, int n, int elemSize) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      int outer = lay[0];
      int k = lay[1];
      int inner = lay[2];
      checkIndices(p, in[1], k);
      ByteBuffer a = in[0].data();
      ByteBuffer y = out[0].data();
      int bytes = inner * elemSize;
      for (int j = 0; j < n; j++) {
        int src = resolve(p.mode(), in[1].getDouble(j), k);
        for (int o = 0; o < outer; o++) {
          y.put(((o * n) + j) * bytes, a, ((o * k) + src) * bytes, bytes);
        }
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs args) {
      int outer = lay[0];
      int k = lay[1];
      int inner = lay[2];
      if (args.wants(1) && !args.adds(1)) {
        TensorView g = args.inGrad()[1];
        for (int j = 0; j < g.size(); j++) {
          g.setDouble(j, 0);
        }
      }
      if (!args.wants(0)) {
        return;
      }
      args.zeroUnlessAdding(0);
      FloatBuffer dx = args.inGrad()[0].floats();
      FloatBuffer dy = args.outGrad()[0].floats();
      TensorView idx = args.in()[1];
      int[] unit = {1};
      int[] dims = {inner};
      for (int j = 0; j < n; j++) {
        int dst = resolve(p.mode(), idx.getDouble(j), k);
        for (int o = 0; o < outer; o++) {
          StridedCopy.add(dy, (o * n + j) * inner, unit, dx, (o * k + dst) * inner, unit, dims);
        }
      }
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    int[] lay = layout(p, inShapes[0]);
    int n = in[1].length;
    double[] y = new double[lay[0] * n * lay[2]];
    for (int o = 0; o < lay[0]; o++) {
      for (int j = 0; j < n; j++) {
        double v = in[1][j];
        if (p.mode() == Mode.RAISE && !(v >= 0 && v <= lay[1] - 1)) {
          throw new IllegalArgumentException("index out of bound: " + v);
        }
        long t = (long) v;
        int src = p.mode() == Mode.CLIP ? (int) Math.max(0, Math.min(t, lay[1] - 1))
            : (int) Math.floorMod(t, (long) lay[1]);
        for (int i = 0; i < lay[2]; i++) {
          y[(o * n + j) * lay[2] + i] = in[0][(o * lay[1] + src) * lay[2] + i];
        }
      }
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    Params d = Params.defaults();
    return List.of(
        Sample.of(d, Shape.of(4, 3), Shape.of(5)).domain(1, Domain.index(4))
            .type(1, DType.INT32),
        Sample.of(new Params(1, Mode.CLIP), Shape.of(2, 5, 3), Shape.of(2, 2))
            .domain(1, Domain.index(5)),
        // out-of-range indices, negative ones included
        Sample.of(new Params(-1, Mode.WRAP), Shape.of(2, 4), Shape.of(3, 2))
            .domain(1, new Domain(-9, 9, true, false)).type(1, DType.INT32),
        Sample.of(new Params(0, Mode.CLIP), Shape.of(3, 2), Shape.of(6))
            .domain(1, new Domain(-4, 7, true, false)).type(1, DType.INT64),
        Sample.of(new Params(1, Mode.RAISE), Shape.of(2, 3, 2), Shape.of(4))
            .domain(1, Domain.index(3)).type(1, DType.INT32),
        Sample.of(new Params(0, Mode.WRAP), Shape.of(5), Shape.of(2, 3))
            .domain(1, new Domain(-12, 12, true, false)));
  }
}
