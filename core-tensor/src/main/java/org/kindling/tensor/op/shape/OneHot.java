package org.kindling.tensor.op.shape;

import com.google.auto.service.AutoService;
import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AllTypes;
import org.kindling.tensor.op.BackwardArgs;
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
 * {@code one_hot} (alias {@code _npx_one_hot}): for {@code indices} of any shape and numeric
 * type, an output of shape {@code indices.shape + (depth,)} and type {@code dtype} (default
 * float32) holding {@code on_value} at each index and {@code off_value} elsewhere. Indices are
 * truncated to integers (a C cast); those outside {@code [0, depth)} give a row of
 * {@code off_value}. The gradient is zero.
 */
@AutoService(OpDef.class)
public final class OneHot extends OpDef<OneHot.Params> {
  static final Param<Integer> DEPTH =
      Param.requiredInt("depth").checked(v -> v >= 0, "a non-negative integer");
  static final Param<Double> ON_VALUE = Param.doubleParam("on_value", 1.0);
  static final Param<Double> OFF_VALUE = Param.doubleParam("off_value", 0.0);
  static final Param<AllTypes> DTYPE = Param.enumParam("dtype", AllTypes.class, AllTypes.FLOAT32);

  /** The operator (declared after its parameters, which its constructor reads). */
  public static final OneHot OP = new OneHot();

  /**
   * Parameters of {@code one_hot}, in MXNet's order.
   *
   * @param depth {@code depth}: the length of the new last axis
   * @param onValue {@code on_value}
   * @param offValue {@code off_value}
   * @param dtype {@code dtype}: the output type
   */
  public record Params(int depth, double onValue, double offValue, AllTypes dtype) {
    /** Checks {@code depth} and {@code dtype}. */
    public Params {
      DEPTH.validate(depth);
      DTYPE.validate(dtype);
    }

    /** {@code depth} classes, 1/0, float32 (MXNet's defaults). */
    public static Params of(int depth) {
      return new Params(depth, 1.0, 0.0, AllTypes.FLOAT32);
    }

    /** A copy with {@code on_value} and {@code off_value} set. */
    public Params withValues(double on, double off) {
      return new Params(depth, on, off, dtype);
    }

    /** A copy with {@code dtype} set. */
    public Params withDtype(AllTypes v) {
      return new Params(depth, onValue, offValue, v);
    }
  }

  /** For the service loader; use {@link #OP}. */
  public OneHot() {
    super("one_hot", List.of("_npx_one_hot"), Params.class,
        List.of(DEPTH, ON_VALUE, OFF_VALUE, DTYPE));
  }

  @Override
  public List<String> inputNames(Params p) {
    return List.of("indices");
  }

  @Override
  public void inferShape(Params p, ShapeSlots s) {
    Shape idx = s.in(0);
    if (idx == null) {
      return;
    }
    int[] d = new int[idx.ndim() + 1];
    System.arraycopy(idx.dims(), 0, d, 0, idx.ndim());
    d[idx.ndim()] = p.depth();
    s.assignOut(0, Shape.of(d));
  }

  /** The output type is {@code dtype}; the indices keep whatever type they have. */
  @Override
  public void inferType(Params p, TypeSlots t) {
    t.assignOut(0, p.dtype().dtype());
  }

  @Override
  public Gradient gradient(Params p) {
    return Gradient.ZERO;
  }

  @Override
  public List<KernelFactory<Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> new Cpu(p)));
  }

  private record Cpu(Params p) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      TensorView idx = in[0];
      TensorView y = out[0];
      int depth = p.depth();
      int n = idx.size();
      if (y.dtype() == DType.FLOAT32) {
        FloatBuffer f = y.floats();
        float off = (float) p.offValue();
        float on = (float) p.onValue();
        float[] row = new float[depth];
        java.util.Arrays.fill(row, off);
        for (int i = 0; i < n; i++) {
          f.put(i * depth, row, 0, depth);
          long j = (long) idx.getDouble(i);
          if (j >= 0 && j < depth) {
            f.put(i * depth + (int) j, on);
          }
        }
        return;
      }
      for (int i = 0; i < n * depth; i++) {
        y.setDouble(i, p.offValue());
      }
      for (int i = 0; i < n; i++) {
        long j = (long) idx.getDouble(i);
        if (j >= 0 && j < depth) {
          y.setDouble(i * depth + (int) j, p.onValue());
        }
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (a.wants(0) && !a.adds(0)) {
        TensorView g = a.inGrad()[0];
        for (int i = 0; i < g.size(); i++) {
          g.setDouble(i, 0);
        }
      }
    }
  }

  @Override
  public double[][] reference(Params p, Shape[] inShapes, double[][] in, boolean train) {
    int depth = p.depth();
    double[] y = new double[in[0].length * depth];
    for (int i = 0; i < in[0].length; i++) {
      for (int c = 0; c < depth; c++) {
        y[i * depth + c] = (long) in[0][i] == c ? p.onValue() : p.offValue();
      }
    }
    return new double[][] {y};
  }

  @Override
  public List<Sample<Params>> samples() {
    return List.of(
        Sample.of(Params.of(4), Shape.of(3)).domain(0, Domain.index(4)).type(0, DType.INT32),
        Sample.of(Params.of(5).withValues(2.5, -1), Shape.of(2, 3))
            .domain(0, new Domain(-2, 7, true, false)),
        Sample.of(Params.of(3).withDtype(AllTypes.INT32), Shape.of(4))
            .domain(0, Domain.index(3)).type(0, DType.INT64),
        Sample.of(Params.of(3).withDtype(AllTypes.FLOAT64).withValues(0.5, 0.25), Shape.of(2, 2))
            .domain(0, Domain.index(3)).type(0, DType.UINT8));
  }
}
