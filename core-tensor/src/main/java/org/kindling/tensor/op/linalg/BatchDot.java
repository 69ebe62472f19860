package org.kindling.tensor.op.linalg;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;

/**
 * {@code batch_dot} (alias {@code _npx_batch_dot}): for N-D inputs (N >= 3, both of one rank)
 * with equal leading batch axes, the matrix product of the last two axes of each pair:
 * {@code lhs (..., m, k)} ({@code (..., k, m)} with {@code transpose_a}) times
 * {@code rhs (..., k, n)} ({@code (..., n, k)} with {@code transpose_b}) gives
 * {@code (..., m, n)}. One sgemm per batch element, forward and backward.
 */
@AutoService(OpDef.class)
public final class BatchDot extends OpDef<DotParams> {
  /** The operator (declared after its parameters, which its constructor reads). */
  public static final BatchDot OP = new BatchDot();

  /** For the service loader; use {@link #OP}. */
  public BatchDot() {
    super("batch_dot", List.of("_npx_batch_dot"), DotParams.class,
        List.of(DotParams.TRANSPOSE_A, DotParams.TRANSPOSE_B, DotParams.FORWARD_STYPE));
  }

  @Override
  public List<String> inputNames(DotParams p) {
    return List.of("lhs", "rhs");
  }

  /** Batch count, then the per-batch geometry. */
  record Batched(int batch, Dot.Geometry g) {}

  /** MXNet's {@code BatchDotShape}. */
  static Batched geometry(DotParams p, Shape a, Shape b) {
    int n = a.ndim();
    if (n < 3 || b.ndim() != n) {
      throw new IllegalArgumentException("batch_dot currently only supports N-D x N-D arrays "
          + "(N >= 3), got " + a + " X " + b);
    }
    int batch = 1;
    int[] out = new int[n];
    for (int i = 0; i < n - 2; i++) {
      if (a.get(i) != b.get(i)) {
        throw new IllegalArgumentException("batch_dot shape error (the leading batch "
            + "dimensions must be equal): " + a + " X " + b);
      }
      batch *= a.get(i);
      out[i] = a.get(i);
    }
    int m = p.transposeA() ? a.get(n - 1) : a.get(n - 2);
    int ka = p.transposeA() ? a.get(n - 2) : a.get(n - 1);
    int cols = p.transposeB() ? b.get(n - 2) : b.get(n - 1);
    int kb = p.transposeB() ? b.get(n - 1) : b.get(n - 2);
    if (ka != kb) {
      throw new IllegalArgumentException("batch_dot shape error (shape mismatch): " + a + " X "
          + b + " transpose_a=" + p.transposeA() + " transpose_b=" + p.transposeB());
    }
    out[n - 2] = m;
    out[n - 1] = cols;
    return new Batched(batch, new Dot.Geometry(m, ka, cols, Shape.of(out)));
  }

  @Override
  public void inferShape(DotParams p, ShapeSlots s) {
    if (s.in(0) != null && s.in(1) != null) {
      s.assignOut(0, geometry(p, s.in(0), s.in(1)).g().out());
    }
  }

  @Override
  public BackwardDeps backwardDeps(DotParams p) {
    return BackwardDeps.inputs(0, 1);
  }

  @Override
  public List<KernelFactory<DotParams>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> {
      if (!sig.allFloat32()) {
        return null;
      }
      Batched bg = geometry(p, sig.in(0), sig.in(1));
      Dot.Geometry g = bg.g();
      return new Dot.Gemm(p.transposeA(), p.transposeB(), g, bg.batch(), g.m() * g.k(),
          g.k() * g.n(), g.m() * g.n());
    }));
  }

  @Override
  public double[][] reference(DotParams p, Shape[] inShapes, double[][] in, boolean train) {
    Batched bg = geometry(p, inShapes[0], inShapes[1]);
    Dot.Geometry g = bg.g();
    double[] y = new double[bg.batch() * g.m() * g.n()];
    for (int i = 0; i < bg.batch(); i++) {
      double[] c = Dot.matmul(p.transposeA(), p.transposeB(), g.m(), g.k(), g.n(), in[0],
          i * g.m() * g.k(), in[1], i * g.k() * g.n());
      System.arraycopy(c, 0, y, i * c.length, c.length);
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<DotParams>> samples() {
    return List.of(
        Sample.of(DotParams.plain(), Shape.of(2, 3, 4), Shape.of(2, 4, 5)),
        Sample.of(DotParams.of(true, false), Shape.of(2, 4, 3), Shape.of(2, 4, 5)),
        Sample.of(DotParams.of(false, true), Shape.of(3, 2, 4), Shape.of(3, 5, 4)),
        Sample.of(DotParams.of(true, true), Shape.of(2, 4, 3), Shape.of(2, 2, 4)),
        Sample.of(DotParams.plain(), Shape.of(2, 2, 3, 2), Shape.of(2, 2, 2, 3)));
  }
}
