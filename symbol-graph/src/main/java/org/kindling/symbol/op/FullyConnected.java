package org.kindling.symbol.op;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kindling.tensor.Shape;
import org.kindling.tensor.ops.Blas;

/**
 * {@code FullyConnected}: {@code y = x·Wᵀ + b}. With {@code flatten} (default) the data is
 * viewed as {@code (N, prod(shape[1:]))} and the output is {@code (N, num_hidden)}; without it
 * the product runs over the last axis and {@code y.shape = x.shape[:-1] + (num_hidden,)}.
 * Weight {@code (num_hidden, K)}, bias {@code (num_hidden,)} (or {@code (num_hidden, 1)}).
 * Forward and both backward products run through OpenBLAS sgemm; the bias gradient is a
 * column sum.
 */
public final class FullyConnected extends Operator<FullyConnected.Params> {
  static final Param<Integer> NUM_HIDDEN =
      Param.requiredInt("num_hidden").checked(v -> v >= 1, ">= 1");
  static final Param<Boolean> NO_BIAS = Param.boolParam("no_bias", false);
  static final Param<Boolean> FLATTEN = Param.boolParam("flatten", true);

  /**
   * Parameters of {@code FullyConnected}.
   *
   * @param numHidden {@code num_hidden}, the number of output units (>= 1)
   * @param noBias {@code no_bias}: no bias input
   * @param flatten {@code flatten}: collapse all but the first axis of the data
   */
  public record Params(int numHidden, boolean noBias, boolean flatten) {
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

  FullyConnected() {
    super("FullyConnected", List.of(), List.of(NUM_HIDDEN, NO_BIAS, FLATTEN));
  }

  @Override
  protected Params fromValues(ParamValues v) {
    return new Params(v.get(NUM_HIDDEN), v.get(NO_BIAS), v.get(FLATTEN));
  }

  @Override
  public Map<String, String> toAttrs(Params p) {
    TreeMap<String, String> m = new TreeMap<>();
    putIfSet(m, NUM_HIDDEN, p.numHidden());
    putIfSet(m, NO_BIAS, p.noBias());
    putIfSet(m, FLATTEN, p.flatten());
    return m;
  }

  @Override
  public List<String> inputNames(Params p) {
    return p.noBias() ? List.of("data", "weight") : List.of("data", "weight", "bias");
  }

  /** Columns K of the data matrix. */
  private static int numInput(Params p, Shape d) {
    requireBatchAxis(d);
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
  public void forward(Params p, ForwardContext ctx) {
    Shape d = ctx.inShape(0);
    int k = numInput(p, d);
    int n = p.numHidden();
    int rows = k == 0 ? 0 : (int) (d.size() / k);
    FloatBuffer x = ctx.in(0);
    FloatBuffer w = ctx.in(1);
    FloatBuffer y = ctx.out(0);
    if (rows == 0) {
      return;
    }
    if (p.noBias()) {
      Blas.sgemm(false, true, rows, n, k, 1f, x, 0, k, w, 0, k, 0f, y, 0, n);
      return;
    }
    // Seed every row with the bias, then let sgemm accumulate x·Wᵀ on top (beta = 1).
    FloatBuffer b = ctx.in(2);
    for (int r = 0; r < rows; r++) {
      int base = r * n;
      for (int c = 0; c < n; c++) {
        y.put(base + c, b.get(c));
      }
    }
    Blas.sgemm(false, true, rows, n, k, 1f, x, 0, k, w, 0, k, 1f, y, 0, n);
  }

  @Override
  public void backward(Params p, BackwardContext ctx) {
    Shape d = ctx.inShape(0);
    int k = numInput(p, d);
    int n = p.numHidden();
    int rows = k == 0 ? 0 : (int) (d.size() / k);
    FloatBuffer dy = ctx.outGrad(0);
    if (ctx.wants(0)) {
      if (rows > 0) {
        // dX (rows, K) = dY (rows, n) · W (n, K)
        Blas.sgemm(false, false, rows, k, n, 1f, dy, 0, n, ctx.in(1), 0, k,
            ctx.adds(0) ? 1f : 0f, ctx.inGrad(0), 0, k);
      }
    }
    if (ctx.wants(1)) {
      if (rows > 0) {
        // dW (n, K) = dYᵀ (n, rows) · X (rows, K)
        Blas.sgemm(true, false, n, k, rows, 1f, dy, 0, n, ctx.in(0), 0, k,
            ctx.adds(1) ? 1f : 0f, ctx.inGrad(1), 0, k);
      } else if (!ctx.adds(1)) {
        Kernels.zero(ctx.inGrad(1), n * k);
      }
    }
    if (!p.noBias() && ctx.wants(2)) {
      FloatBuffer db = ctx.inGrad(2);
      if (!ctx.adds(2)) {
        Kernels.zero(db, n);
      }
      for (int r = 0; r < rows; r++) {
        int base = r * n;
        for (int c = 0; c < n; c++) {
          db.put(c, db.get(c) + dy.get(base + c));
        }
      }
    }
  }

  @Override
  public double[][] referenceForward(Params p, Shape[] inShapes, double[][] in) {
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
}
