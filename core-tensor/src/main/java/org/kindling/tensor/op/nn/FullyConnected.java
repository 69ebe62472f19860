package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.Blas;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * {@code FullyConnected}: {@code y = x·Wᵀ + b}. With {@code flatten} (default) the data is
 * viewed as {@code (N, prod(shape[1:]))} and the output is {@code (N, num_hidden)}; without it
 * the product runs over the last axis and {@code y.shape = x.shape[:-1] + (num_hidden,)}.
 * Weight {@code (num_hidden, K)}, bias {@code (num_hidden,)} (or {@code (num_hidden, 1)}).
 * Forward and both backward products run through OpenBLAS sgemm; the bias gradient is a
 * column sum.
 */
@AutoService(OpDef.class)
public final class FullyConnected extends OpDef<FullyConnected.Params> {
  static final Param<Integer> NUM_HIDDEN =
      Param.requiredInt("num_hidden").checked(v -> v >= 1, ">= 1");
  static final Param<Boolean> NO_BIAS = Param.boolParam("no_bias", false);
  static final Param<Boolean> FLATTEN = Param.boolParam("flatten", true);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final FullyConnected OP = new FullyConnected();

  /**
   * Parameters of {@code FullyConnected}.
   *
   * @param numHidden {@code num_hidden}, the number of output units (>= 1)
   * @param noBias {@code no_bias}: no bias input
   * @param flatten {@code flatten}: collapse all but the first axis of the data
   */
  public record Params(int numHidden, boolean noBias, boolean flatten) {
    /** Checks {@code num_hidden}. */
    public Params {
      NUM_HIDDEN.validate(numHidden);
    }

    /** {@code num_hidden} units with bias and flatten (MXNet's defaults). */
    public static Params of(int numHidden) {
      return new Params(numHidden, false, true);
    }

    /** A copy with {@code no_bias} set. */
    public Params withNoBias(boolean v) {
      return new Params(numHidden, v, flatten);
    }

    /** A copy with {@code flatten} set. */
    public Params withFlatten(boolean v) {
      return new Params(numHidden, noBias, v);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public FullyConnected() {
    super("FullyConnected", List.of("_npx_fully_connected", "_sparse_FullyConnected"),
        Params.class, List.of(NUM_HIDDEN, NO_BIAS, FLATTEN));
  }

  @Override
  public List<String> inputNames(Params p) {
    return p.noBias() ? List.of("data", "weight") : List.of("data", "weight", "bias");
  }

  /** Columns K of the data matrix. */
  private static int numInput(Params p, Shape d) {
    if (d.ndim() == 0) {
      throw new IllegalArgumentException("data must have at least one dimension, got " + d);
    }
    return p.flatten() ? (int) d.sizeFrom(1) : d.get(d.ndim() - 1);
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    int k = numInput(p, d);
    s.assignIn(1, Shape.of(p.numHidden(), k));
    if (!p.noBias()) {
      Shape b = s.in(2);
      if (b == null || !b.equals(Shape.of(p.numHidden(), 1))) {
        s.assignIn(2, Shape.of(p.numHidden()));
      }
    }
    if (p.flatten()) {
      s.assignOut(0, Shape.of(d.get(0), p.numHidden()));
    } else {
      int[] dims = d.dims();
      dims[dims.length - 1] = p.numHidden();
      s.assignOut(0, Shape.of(dims));
    }
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return BackwardDeps.inputs(0, 1);
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32() ? new Cpu(p, sig) : null));
  }

  /** The default kernel: OpenBLAS sgemm. */
  private static final class Cpu implements Kernel {
    private final int k;
    private final int n;
    private final int rows;
    private final boolean noBias;

    Cpu(Params p, KernelSignature sig) {
      this.k = numInput(p, sig.in(0));
      this.n = p.numHidden();
      this.rows = k == 0 ? 0 : (int) (sig.in(0).size() / k);
      this.noBias = p.noBias();
    }

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer y = out[0].floats();
      if (rows == 0) {
        return;
      }
      FloatBuffer x = in[0].floats();
      FloatBuffer w = in[1].floats();
      if (noBias) {
        Blas.sgemm(false, true, rows, n, k, 1f, x, 0, k, w, 0, k, 0f, y, 0, n);
        return;
      }
      // Seed every row with the bias, then let sgemm accumulate x·Wᵀ on top (beta = 1).
      FloatBuffer b = in[2].floats();
      for (int r = 0; r < rows; r++) {
        y.put(r * n, b, 0, n);
      }
      Blas.sgemm(false, true, rows, n, k, 1f, x, 0, k, w, 0, k, 1f, y, 0, n);
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      FloatBuffer dy = a.outGrad()[0].floats();
      if (a.wants(0) && rows > 0) {
        // dX (rows, K) = dY (rows, n) · W (n, K)
        Blas.sgemm(false, false, rows, k, n, 1f, dy, 0, n, a.in()[1].floats(), 0, k,
            a.adds(0) ? 1f : 0f, a.inGrad()[0].floats(), 0, k);
      }
      if (a.wants(1)) {
        if (rows > 0) {
          // dW (n, K) = dYᵀ (n, rows) · X (rows, K)
          Blas.sgemm(true, false, n, k, rows, 1f, dy, 0, n, a.in()[0].floats(), 0, k,
              a.adds(1) ? 1f : 0f, a.inGrad()[1].floats(), 0, k);
        } else if (!a.adds(1)) {
          FloatKernels.zero(a.inGrad()[1].floats(), n * k);
        }
      }
      if (!noBias && a.wants(2)) {
        FloatBuffer db = a.inGrad()[2].floats();
        if (!a.adds(2)) {
          FloatKernels.zero(db, n);
        }
        for (int r = 0; r < rows; r++) {
          FloatKernels.binary(FloatKernels.Binary.ADD, db, dy.slice(r * n, n), db, n);
        }
      }
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    int k = numInput(p, inShapes[0]);
    int n = p.numHidden();
    int rows = k == 0 ? 0 : (int) (inShapes[0].size() / k);
    double[] y = new double[rows * n];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < n; c++) {
        double acc = p.noBias() ? 0 : in[2][c];
        for (int j = 0; j < k; j++) {
          acc += in[0][r * k + j] * in[1][c * k + j];
        }
        y[r * n + c] = acc;
      }
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(7), Shape.of(5, 3, 4), Shape.of(7, 12), Shape.of(7)),
        Sample.of(Params.of(7).withNoBias(true), Shape.of(5, 12), Shape.of(7, 12)),
        Sample.of(Params.of(3).withFlatten(false), Shape.of(2, 5, 4), Shape.of(3, 4),
            Shape.of(3)),
        // MXNet also accepts a (num_hidden, 1) bias
        Sample.of(Params.of(3), Shape.of(4, 2), Shape.of(3, 2), Shape.of(3, 1)));
  }
}
