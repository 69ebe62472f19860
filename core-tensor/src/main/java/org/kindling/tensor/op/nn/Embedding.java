package org.kindling.tensor.op.nn;

import com.google.auto.service.AutoService;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AllTypes;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code Embedding} (aliases {@code _npx_embedding}, {@code _sparse_Embedding}): row lookup,
 * {@code out[i..., :] = weight[data[i...], :]}, as MXNet 1.9.1's dense CPU kernel
 * ({@code src/operator/tensor/indexing_op.cc}).
 *
 * <p>Inputs {@code data} (indices of any numeric type, any shape) and {@code weight}
 * {@code (input_dim, output_dim)}; output {@code data.shape + (output_dim,)} of the weight's
 * type ({@code dtype} when nothing else fixes it). <b>Out-of-range indices are clipped</b>, as
 * MXNet's CPU kernel does ({@code TakeZeroAxisCPU<clip=true>}, and {@code AddTakeGrad} clips the
 * same way in backward): an index is converted to a 64-bit integer (truncating toward zero), then
 * values below 0 read row 0 and values above {@code input_dim - 1} read the last row. NaN and
 * ±infinity read row 0, as the x86 conversion MXNet relies on yields INT64_MIN for them.
 *
 * <p>Backward: the weight gradient is the scatter-add of the output gradient rows into the
 * indexed (clipped) rows. The indices get no gradient: MXNet refuses a data gradient request;
 * Kindling writes zeros. {@code sparse_grad} asks MXNet for a row-sparse gradient; Kindling
 * computes the same values densely.
 */
@AutoService(OpDef.class)
public final class Embedding extends OpDef<Embedding.Params> {
  static final Param<Integer> INPUT_DIM =
      Param.requiredInt("input_dim").checked(v -> v >= 1, ">= 1");
  static final Param<Integer> OUTPUT_DIM =
      Param.requiredInt("output_dim").checked(v -> v >= 1, ">= 1");
  static final Param<AllTypes> DTYPE =
      Param.enumParam("dtype", AllTypes.class, AllTypes.FLOAT32);
  static final Param<Boolean> SPARSE_GRAD = Param.boolParam("sparse_grad", false);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final Embedding OP = new Embedding();

  /**
   * Parameters of {@code Embedding}.
   *
   * @param inputDim {@code input_dim}, the vocabulary size (rows of the weight)
   * @param outputDim {@code output_dim}, the embedding size (columns of the weight)
   * @param dtype {@code dtype} of the weight
   * @param sparseGrad {@code sparse_grad}
   */
  public record Params(int inputDim, int outputDim, AllTypes dtype, boolean sparseGrad) {
    /** Checks the dimensions. */
    public Params {
      INPUT_DIM.validate(inputDim);
      OUTPUT_DIM.validate(outputDim);
      DTYPE.validate(dtype);
    }

    /** A float32 embedding of {@code inputDim} rows of {@code outputDim}. */
    public static Params of(int inputDim, int outputDim) {
      return new Params(inputDim, outputDim, AllTypes.FLOAT32, false);
    }

    /** A copy with {@code sparse_grad} set. */
    public Params withSparseGrad(boolean v) {
      return new Params(inputDim, outputDim, dtype, v);
    }

    /** A copy with {@code dtype} set. */
    public Params withDtype(AllTypes v) {
      return new Params(inputDim, outputDim, v, sparseGrad);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public Embedding() {
    super("Embedding", List.of("_npx_embedding", "_sparse_Embedding"), Params.class,
        List.of(INPUT_DIM, OUTPUT_DIM, DTYPE, SPARSE_GRAD));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("data", "weight");
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape d = s.in(0);
    if (d == null) {
      return;
    }
    s.assignIn(1, Shape.of(p.inputDim(), p.outputDim()));
    int[] dims = d.dims();
    int[] o = java.util.Arrays.copyOf(dims, dims.length + 1);
    o[dims.length] = p.outputDim();
    s.assignOut(0, Shape.of(o));
  }

  @Override
  public void inferType(Params p, TypeSlots t) {
    DType w = t.in(1) != null ? t.in(1) : t.out(0) != null ? t.out(0) : p.dtype().dtype();
    t.assignIn(1, w);
    t.assignOut(0, w);
  }

  @Override
  public BackwardDeps backwardDeps(Params p) {
    return BackwardDeps.inputs(0);
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> new Cpu(p, sig.in(0).intSize())));
  }

  /** The row index MXNet reads for index value {@code v}: truncated, then clipped. */
  static int row(double v, int rows) {
    // C's int64 conversion; NaN, infinities and out-of-range values give INT64_MIN on x86
    long j = v >= -9.2e18 && v <= 9.2e18 ? (long) v : Long.MIN_VALUE;
    return j <= 0 ? 0 : j >= rows ? rows - 1 : (int) j;
  }

  /** The default kernel: forward copies whole rows as bytes, so every weight type works. */
  private record Cpu(Params p, int count) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      TensorView idx = in[0];
      ByteBuffer w = in[1].data();
      ByteBuffer o = out[0].data();
      int rowBytes = p.outputDim() * in[1].dtype().byteSize();
      for (int i = 0; i < count; i++) {
        int r = row(idx.getDouble(i), p.inputDim());
        o.put(i * rowBytes, w, r * rowBytes, rowBytes);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (a.wants(0) && !a.adds(0)) {
        for (int i = 0; i < count; i++) {
          a.inGrad()[0].setDouble(i, 0); // indices get no gradient
        }
      }
      if (!a.wants(1)) {
        return;
      }
      TensorView idx = a.in()[0];
      FloatBuffer dy = a.outGrad()[0].floats();
      FloatBuffer dw = a.inGrad()[1].floats();
      int dim = p.outputDim();
      if (!a.adds(1)) {
        for (int k = 0, n = p.inputDim() * dim; k < n; k++) {
          dw.put(k, 0f);
        }
      }
      for (int i = 0; i < count; i++) {
        int base = row(idx.getDouble(i), p.inputDim()) * dim;
        int src = i * dim;
        for (int k = 0; k < dim; k++) {
          dw.put(base + k, dw.get(base + k) + dy.get(src + k));
        }
      }
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    int dim = p.outputDim();
    double[] y = new double[in[0].length * dim];
    for (int i = 0; i < in[0].length; i++) {
      int r = row(in[0][i], p.inputDim());
      System.arraycopy(in[1], r * dim, y, i * dim, dim);
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(5, 3), Shape.of(4), Shape.of(5, 3)).domain(0, Domain.index(5)),
        // indices outside [0, input_dim) are clipped, in forward and backward
        Sample.of(Params.of(4, 2), Shape.of(2, 3), Shape.of(4, 2))
            .domain(0, new Domain(-2, 7, true, false)).type(0, DType.INT32),
        Sample.of(Params.of(6, 4).withSparseGrad(true), Shape.of(3, 2), Shape.of(6, 4))
            .domain(0, Domain.index(6)).type(0, DType.INT64),
        // fractional float indices truncate toward zero
        Sample.of(Params.of(3, 2), Shape.of(5), Shape.of(3, 2))
            .domain(0, Domain.range(-1, 4)).noGradientCheck());
  }
}
