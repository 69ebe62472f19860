package org.kindling.tensor.op.linalg;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.Blas;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * {@code dot} (alias {@code _sparse_dot}): the product of {@code lhs} and {@code rhs} contracted
 * over one axis, as MXNet's {@code DotShape}. Two 1-D inputs give their inner product, shape {@code
 * (1,)} (no transposes allowed). Otherwise {@code lhs} is viewed as a matrix {@code
 * (prod(shape[:-1]), shape[-1])}, or with {@code transpose_a} as {@code (shape[0],
 * prod(shape[1:]))} transposed, and {@code rhs} as {@code (shape[0], prod(shape[1:]))}, or with
 * {@code transpose_b} as {@code (prod(shape[:-1]), shape[-1])} transposed: so an N-D {@code lhs}
 * contracts its last axis (its first with {@code transpose_a}) with the first axis of {@code rhs}
 * (its last with {@code transpose_b}). The output shape is the kept axes of {@code lhs} then those
 * of {@code rhs} (none from a 1-D input). One sgemm forward, two backward.
 */
@AutoService(OpDef.class)
public final class Dot extends OpDef<DotParams> {
  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Dot OP = new Dot();

  /** For the service loader; use {@link #OP}. */
  public Dot() {
    super("dot", List.of("_sparse_dot"), DotParams.class, List.of(DotParams.TRANSPOSE_A,
        DotParams.TRANSPOSE_B, DotParams.FORWARD_STYPE));
  }

  @Override
  public List<String> inputNames(DotParams p) {
    return List.of("lhs", "rhs");
  }

  /** The matrix product {@code (m x k)·(k x n)} and the output shape. */
  record Geometry(int m, int k, int n, Shape out) {}

  static Geometry geometry(DotParams p, Shape a, Shape b) {
    if (a.ndim() == 0 || b.ndim() == 0) {
      throw new IllegalArgumentException("dot: scalar tensors are not supported (" + a + " X "
          + b + ")");
    }
    boolean ta = p.transposeA();
    boolean tb = p.transposeB();
    if (a.ndim() == 1 && b.ndim() == 1) {
      if (ta || tb) {
        throw new IllegalArgumentException("dot: cannot transpose vectors");
      }
      if (a.get(0) != b.get(0)) {
        throw new IllegalArgumentException("dot shape error: " + a + " X " + b);
      }
      return new Geometry(1, a.get(0), 1, Shape.of(1));
    }
    int[] ad = a.dims();
    int[] bd = b.dims();
    int ka = ta ? ad[0] : ad[ad.length - 1];
    int kb = tb ? bd[bd.length - 1] : bd[0];
    if (ka != kb) {
      throw new IllegalArgumentException("dot shape error: " + a + " X " + b + " (transpose_a="
          + ta + ", transpose_b=" + tb + ")");
    }
    int[] keptA = ad.length == 1 ? new int[0]
        : ta ? java.util.Arrays.copyOfRange(ad, 1, ad.length)
        : java.util.Arrays.copyOf(ad, ad.length - 1);
    int[] keptB = bd.length == 1 ? new int[0]
        : tb ? java.util.Arrays.copyOf(bd, bd.length - 1)
        : java.util.Arrays.copyOfRange(bd, 1, bd.length);
    int[] out = new int[keptA.length + keptB.length];
    System.arraycopy(keptA, 0, out, 0, keptA.length);
    System.arraycopy(keptB, 0, out, keptA.length, keptB.length);
    return new Geometry((int) Shape.of(keptA).size(), ka, (int) Shape.of(keptB).size(),
        Shape.of(out));
  }

  @Override
  public void inferShape(DotParams p, ShapeSlots s) {
    if (s.in(0) != null && s.in(1) != null) {
      s.assignOut(0, geometry(p, s.in(0), s.in(1)).out());
    }
  }

  @Override
  public BackwardDeps backwardDeps(DotParams p) {
    return BackwardDeps.inputs(0, 1);
  }

  @Override
  public List<KernelFactory<DotParams>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32()
        ? new Gemm(p.transposeA(), p.transposeB(), geometry(p, sig.in(0), sig.in(1)), 1, 0, 0,
            0)
        : null));
  }

  /**
   * {@code batch} products {@code C_i = op(A_i)·op(B_i)} of matrices stored {@code aStride},
   * {@code bStride}, {@code cStride} floats apart (one product for {@code dot}). A is stored
   * {@code m x k} ({@code k x m} when transposed), B {@code k x n} ({@code n x k}).
   */
  record Gemm(boolean ta, boolean tb, Geometry g, int batch, int aStride, int bStride,
      int cStride) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer a = in[0].floats();
      FloatBuffer b = in[1].floats();
      FloatBuffer c = out[0].floats();
      int m = g.m();
      int k = g.k();
      int n = g.n();
      for (int i = 0; i < batch; i++) {
        Blas.sgemm(ta, tb, m, n, k, 1f, a, i * aStride, ta ? m : k, b, i * bStride, tb ? k : n,
            0f, c, i * cStride, n);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs x) {
      FloatBuffer dc = x.outGrad()[0].floats();
      FloatBuffer a = x.in()[0].floats();
      FloatBuffer b = x.in()[1].floats();
      int m = g.m();
      int k = g.k();
      int n = g.n();
      if (x.wants(0)) {
        FloatBuffer da = x.inGrad()[0].floats();
        float beta = x.adds(0) ? 1f : 0f;
        for (int i = 0; i < batch; i++) {
          if (!ta) {
            // dA (m x k) = dC (m x n) · op(B)ᵀ (n x k)
            Blas.sgemm(false, !tb, m, k, n, 1f, dc, i * cStride, n, b, i * bStride, tb ? k : n,
                beta, da, i * aStride, k);
          } else {
            // dA stored (k x m) = op(B) (k x n) · dCᵀ (n x m)
            Blas.sgemm(tb, true, k, m, n, 1f, b, i * bStride, tb ? k : n, dc, i * cStride, n,
                beta, da, i * aStride, m);
          }
        }
      }
      if (x.wants(1)) {
        FloatBuffer db = x.inGrad()[1].floats();
        float beta = x.adds(1) ? 1f : 0f;
        for (int i = 0; i < batch; i++) {
          if (!tb) {
            // dB (k x n) = op(A)ᵀ (k x m) · dC (m x n)
            Blas.sgemm(!ta, false, k, n, m, 1f, a, i * aStride, ta ? m : k, dc, i * cStride, n,
                beta, db, i * bStride, n);
          } else {
            // dB stored (n x k) = dCᵀ (n x m) · op(A) (m x k)
            Blas.sgemm(true, ta, n, k, m, 1f, dc, i * cStride, n, a, i * aStride, ta ? m : k,
                beta, db, i * bStride, k);
          }
        }
      }
    }
  }

  /**
   * The reference: {@code out[i, j] = sum_t opA[i, t] * opB[t, j]} over the matrix views,
   * {@code opA[i, t]} being {@code a[i*k + t]}, or {@code a[t*m + i]} transposed.
   */
  static double[] matmul(boolean ta, boolean tb, int m, int k, int n, double[] a, int aOff,
      double[] b, int bOff) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < k; t++) {
          double x = ta ? a[aOff + t * m + i] : a[aOff + i * k + t];
          double y = tb ? b[bOff + j * k + t] : b[bOff + t * n + j];
          s += x * y;
        }
        c[i * n + j] = s;
      }
    }
    return c;
  }

  @Override
  public double[][] reference(DotParams p, Shape[] inShapes, double[][] in, boolean train) {
    Geometry g = geometry(p, inShapes[0], inShapes[1]);
    return new double[][] {matmul(p.transposeA(), p.transposeB(), g.m(), g.k(), g.n(), in[0], 0,
        in[1], 0)};
  }

  @Override
  public List<Sample<DotParams>> samples() {
    return List.of(
        Sample.of(DotParams.plain(), Shape.of(3, 4), Shape.of(4, 5)),
        Sample.of(DotParams.of(true, false), Shape.of(4, 3), Shape.of(4, 5)),
        Sample.of(DotParams.of(false, true), Shape.of(3, 4), Shape.of(5, 4)),
        Sample.of(DotParams.of(true, true), Shape.of(4, 3), Shape.of(5, 4)),
        Sample.of(DotParams.plain(), Shape.of(2, 3, 4), Shape.of(4, 2, 3)),
        Sample.of(DotParams.of(true, false), Shape.of(4, 2, 3), Shape.of(4, 5)),
        Sample.of(DotParams.of(false, true), Shape.of(3, 4), Shape.of(2, 3, 4)),
        Sample.of(DotParams.plain(), Shape.of(5), Shape.of(5)),
        Sample.of(DotParams.plain(), Shape.of(4), Shape.of(4, 3)),
        Sample.of(DotParams.of(false, true), Shape.of(3, 4), Shape.of(4)),
        Sample.of(new DotParams(false, false, DotParams.StorageType.DEFAULT), Shape.of(2, 3),
            Shape.of(3, 2)));
  }
}
