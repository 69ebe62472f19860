package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code where} (alias _sparse_where): {@code condition ? x : y} element-wise. {@code x} and
 * {@code y} have one shape and type, which the output takes; {@code condition} has that shape, or
 * is 1-D of length {@code x.shape[0]} and then selects whole rows. Any non-zero condition is true
 * (NaN too, as C's {@code 0 != c}); the condition may have any type. Gradients: {@code dy} to
 * {@code x} where the condition is true and to {@code y} where it is false, zero elsewhere and
 * to the condition.
 */
@AutoService(OpDef.class)
public final class Where extends OpDef<NoParams> {
  /** The operator. */
  public static final Where OP = new Where();

  /** For the service loader; use {@link #OP}. */
  public Where() {
    super("where", List.of("_sparse_where"), NoParams.class, List.of());
  }

  @Override
  public List<String> inputNames(NoParams p) {
    return List.of("condition", "x", "y");
  }

  /**
   * As MXNet's {@code WhereOpShape}: x, y and the output unify; the condition must then be of
   * their shape or 1-D of their first extent.
   *
   * @throws IllegalArgumentException if the condition fits neither
   */
  @Override
  public void inferShape(NoParams p, ShapeSlots s) {
    Shape t = s.in(1) != null ? s.in(1) : s.in(2) != null ? s.in(2) : s.out(0);
    if (t == null || s.in(0) == null) {
      return;
    }
    s.assignIn(1, t);
    s.assignIn(2, t);
    s.assignOut(0, t);
    Shape c = s.in(0);
    if (c.ndim() == t.ndim()) {
      s.assignIn(0, t);
    } else if (c.ndim() != 1 || t.ndim() == 0 || c.get(0) != t.get(0)) {
      throw new IllegalArgumentException("where: condition " + c + " must have the shape of x "
          + t + " or be 1-D of length x.shape[0]");
    }
  }

  /** x, y and the output share a type; the condition's is free. */
  @Override
  public void inferType(NoParams p, TypeSlots t) {
    DType d = t.in(1) != null ? t.in(1) : t.in(2) != null ? t.in(2) : t.out(0);
    if (d == null) {
      return;
    }
    t.assignIn(1, d);
    t.assignIn(2, d);
    t.assignOut(0, d);
  }

  @Override
  public BackwardDeps backwardDeps(NoParams p) {
    return BackwardDeps.inputs(0);
  }

  @Override
  public List<KernelFactory<NoParams>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> accepts(sig)
        ? new Cpu(sig.in(0).intSize() == sig.in(1).intSize() ? 1 : rowLength(sig.in(1)))
        : null));
  }

  private static boolean accepts(KernelSignature sig) {
    return sig.inTypes()[1] == DType.FLOAT32 && sig.inTypes()[2] == DType.FLOAT32
        && sig.outTypes()[0] == DType.FLOAT32;
  }

  private static int rowLength(Shape x) {
    return (int) x.sizeFrom(1);
  }

  /**
   * @param block elements per condition element: 1, or a row of x when the condition is 1-D
   */
  private record Cpu(int block) implements Kernel {
    private static final int CHUNK = 4096;

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      TensorView cond = in[0];
      FloatBuffer x = in[1].floats();
      FloatBuffer y = in[2].floats();
      FloatBuffer o = out[0].floats();
      int n = out[0].size();
      float[] a = new float[Math.min(CHUNK, n)];
      float[] b = new float[a.length];
      for (int start = 0; start < n; start += CHUNK) {
        int m = Math.min(CHUNK, n - start);
        x.get(start, a, 0, m);
        y.get(start, b, 0, m);
        for (int j = 0; j < m; j++) {
          if (!truth(cond, (start + j) / block)) {
            a[j] = b[j];
          }
        }
        o.put(start, a, 0, m);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (a.wants(0) && !a.adds(0)) {
        TensorView gc = a.inGrad()[0];
        for (int i = 0; i < gc.size(); i++) {
          gc.setDouble(i, 0); // the condition's gradient is zeros_like(condition), any type
        }
      }
      TensorView cond = a.in()[0];
      FloatBuffer dy = a.outGrad()[0].floats();
      int n = a.outGrad()[0].size();
      float[] g = new float[Math.min(CHUNK, n)];
      float[] v = new float[g.length];
      float[] old = new float[g.length];
      for (int input = 1; input <= 2; input++) {
        if (!a.wants(input)) {
          continue;
        }
        FloatBuffer dx = a.inGrad()[input].floats();
        boolean toX = input == 1;
        for (int start = 0; start < n; start += CHUNK) {
          int m = Math.min(CHUNK, n - start);
          dy.get(start, g, 0, m);
          for (int j = 0; j < m; j++) {
            v[j] = truth(cond, (start + j) / block) == toX ? g[j] : 0f;
          }
          BinaryKernel.put(dx, start, v, old, m, a.adds(input));
        }
      }
    }

    private static boolean truth(TensorView cond, int i) {
      return cond.dtype() == DType.FLOAT32 ? cond.data().getFloat(i * 4) != 0f
          : cond.getDouble(i) != 0;
    }
  }

  @Override
  public double[][] reference(NoParams p, Shape[] inShapes, double[][] in, boolean train) {
    double[] c = in[0];
    double[] out = new double[in[1].length];
    int rows = c.length;
    int per = out.length / Math.max(1, rows);
    for (int i = 0; i < out.length; i++) {
      double ci = c.length == out.length ? c[i] : c[i / per];
      out[i] = ci != 0 ? in[1][i] : in[2][i];
    }
    return new double[][] {out};
  }

  @Override
  public List<Sample<NoParams>> samples() {
    return List.of(
        Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4), Shape.of(3, 4))
            .domain(0, Domain.index(2)),
        Sample.of(NoParams.NONE, Shape.of(3), Shape.of(3, 2, 2), Shape.of(3, 2, 2))
            .domain(0, Domain.index(2)),
        Sample.of(NoParams.NONE, Shape.of(2, 5), Shape.of(2, 5), Shape.of(2, 5))
            .domain(0, new Domain(-2, 2, true, false)).type(0, DType.INT32),
        Sample.of(NoParams.NONE, Shape.of(4, 3), Shape.of(4, 3), Shape.of(4, 3)),
        Sample.of(NoParams.NONE, Shape.of(2), Shape.of(2, 2600), Shape.of(2, 2600))
            .domain(0, Domain.index(2)).noGradientCheck());
  }
}
