package org.kindling.tensor.op.nn;

import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * {@code softmax} and {@code log_softmax} over one axis, as MXNet 1.9.1's CPU kernel
 * ({@code src/operator/nn/softmax-inl.h}): for each position along the other axes, with
 * {@code m} the running maximum of the row ({@code if (m < v) m = v}, starting at the first
 * element) and {@code t} the temperature (1 when None),
 * {@code softmax = exp((x - m)/t) / Σ exp((x - m)/t)} and
 * {@code log_softmax = (x - m)/t - log Σ exp((x - m)/t)}, accumulated in float. Hence, as in
 * MXNet, a NaN or +infinity anywhere in a row makes the whole row NaN.
 *
 * <p>Backward: {@code softmax}: {@code dx = y·(dy - Σ dy·y)/t}; {@code log_softmax}:
 * {@code dx = (dy - exp(y)·Σ dy)/t}.
 *
 * <p>{@code use_length} (softmax only; log_softmax declares the parameter but accepts no length
 * input in MXNet) adds an integer input {@code length} of the data's shape without the axis:
 * only the first {@code length} entries of each row take part, the rest of the output and of
 * the gradient are 0. Lengths are clamped into {@code [0, axis length]} (MXNet reads out of
 * bounds for larger ones). {@code dtype} fixes the output type; Kindling's kernel computes
 * float32 to float32.
 */
abstract class AxisSoftmax extends OpDef<SoftmaxOp.Params> {
  static final Param<Integer> AXIS = Param.intParam("axis", -1);
  static final Param<Double> TEMPERATURE = Param.doubleParam("temperature", 1.0).optional();
  static final Param<SoftmaxOp.OutType> DTYPE =
      Param.enumParam("dtype", SoftmaxOp.OutType.class, SoftmaxOp.OutType.FLOAT32).optional();
  /** MXNet's {@code optional<bool>} with default False; None (null) also means False. */
  static final Param<Boolean> USE_LENGTH =
      Param.boolParam("use_length", false).optionalWithDefault();

  private final boolean log;

  AxisSoftmax(String name, List<String> aliases, boolean log) {
    super(name, aliases, SoftmaxOp.Params.class, List.of(AXIS, TEMPERATURE, DTYPE, USE_LENGTH));
    this.log = log;
  }

  static boolean useLength(SoftmaxOp.Params p) {
    return Boolean.TRUE.equals(p.useLength());
  }

  @Override
  public List<String> inputNames(SoftmaxOp.Params p) {
    return useLength(p) ? List.of("data", "length") : List.of("data");
  }

  /** A data shape as {@code (outer, axis length, inner)}. */
  record Rows(int outer, int len, int inner) {}

  static Rows rows(SoftmaxOp.Params p, Shape d) {
    int a = p.axis() < 0 ? p.axis() + d.ndim() : p.axis();
    if (a < 0 || a >= d.ndim()) {
      throw new IllegalArgumentException("axis " + p.axis() + " is out of range for data of "
          + "shape " + d + " (parameter axis)");
    }
    int outer = 1;
    for (int i = 0; i < a; i++) {
      outer *= d.get(i);
    }
    return new Rows(outer, d.get(a), (int) d.sizeFrom(a + 1));
  }

  /** The length input's shape: the data's without the axis ({@code (1,)} for 1-D data). */
  static Shape lengthShape(SoftmaxOp.Params p, Shape d) {
    rows(p, d);
    int a = p.axis() < 0 ? p.axis() + d.ndim() : p.axis();
    if (d.ndim() == 1) {
      return Shape.of(1);
    }
    int[] dims = new int[d.ndim() - 1];
    for (int i = 0, j = 0; i < d.ndim(); i++) {
      if (i != a) {
        dims[j++] = d.get(i);
      }
    }
    return Shape.of(dims);
  }

  @Override
  public void inferShape(SoftmaxOp.Params p, ShapeSlots s) {
    if (log && useLength(p)) {
      throw new IllegalArgumentException(name() + " takes no length input (parameter "
          + "use_length must be False)");
    }
    Shape d = s.in(0) != null ? s.in(0) : s.out(0);
    if (d == null) {
      return;
    }
    rows(p, d);
    s.assignIn(0, d);
    s.assignOut(0, d);
    if (useLength(p)) {
      s.assignIn(1, lengthShape(p, d));
    }
  }

  @Override
  public void inferType(SoftmaxOp.Params p, TypeSlots t) {
    if (p.dtype() != null) {
      t.assignOut(0, p.dtype().dtype());
      if (t.in(0) == null) {
        t.assignIn(0, p.dtype().dtype());
      }
      return;
    }
    DType d = t.in(0) != null ? t.in(0) : t.out(0);
    if (d != null) {
      t.assignIn(0, d);
      t.assignOut(0, d);
    }
  }

  @Override
  public List<int[]> inplaceOptions(SoftmaxOp.Params p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public BackwardDeps backwardDeps(SoftmaxOp.Params p) {
    return useLength(p)
        ? new BackwardDeps(true, java.util.Set.of(1), java.util.Set.of(0))
        : BackwardDeps.outputs(0);
  }

  @Override
  public List<KernelFactory<SoftmaxOp.Params>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> {
      if (sig.inTypes()[0] != DType.FLOAT32 || sig.outTypes()[0] != DType.FLOAT32
          || (log && useLength(p))) {
        return null;
      }
      return new Cpu(rows(p, sig.in(0)), p.temperature() == null ? 1.0 : p.temperature(),
          useLength(p), log);
    }));
  }

  /** Row length for row {@code i}, read from the length input and clamped. */
  private static int rowLength(TensorView length, int i, int full) {
    if (length == null) {
      return full;
    }
    double v = length.getDouble(i);
    return v <= 0 || v != v ? 0 : v >= full ? full : (int) v;
  }

  /** The default kernel. */
  private record Cpu(Rows r, double temperature, boolean useLength, boolean log)
      implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer x = in[0].floats();
      FloatBuffer y = out[0].floats();
      TensorView length = useLength ? in[1] : null;
      float t = (float) temperature;
      boolean unit = temperature == 1.0;
      int m = r.len();
      int stride = r.inner();
      for (int o = 0; o < r.outer(); o++) {
        for (int j = 0; j < r.inner(); j++) {
          int base = o * m * stride + j;
          int len = rowLength(length, o * r.inner() + j, m);
          for (int c = len; c < m; c++) {
            y.put(base + c * stride, 0f);
          }
          if (m == 0 || len == 0) {
            continue;
          }
          float max = x.get(base);
          for (int c = 1; c < len; c++) {
            float v = x.get(base + c * stride);
            if (max < v) {
              max = v;
            }
          }
          float sum = 0f;
          for (int c = 0; c < len; c++) {
            float z = x.get(base + c * stride) - max;
            sum += (float) Math.exp(unit ? z : z / t);
          }
          float logSum = (float) Math.log(sum);
          for (int c = 0; c < len; c++) {
            float z = x.get(base + c * stride) - max;
            z = unit ? z : z / t;
            y.put(base + c * stride, log ? z - logSum : (float) Math.exp(z) / sum);
          }
        }
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (useLength && a.wants(1) && !a.adds(1)) {
        for (int i = 0, n = a.inGrad()[1].size(); i < n; i++) {
          a.inGrad()[1].setDouble(i, 0); // lengths get no gradient
        }
      }
      if (!a.wants(0)) {
        return;
      }
      FloatBuffer y = a.out()[0].floats();
      FloatBuffer dy = a.outGrad()[0].floats();
      FloatBuffer dx = a.inGrad()[0].floats();
      boolean add = a.adds(0);
      TensorView length = useLength ? a.in()[1] : null;
      float t = (float) temperature;
      boolean unit = temperature == 1.0;
      int m = r.len();
      int stride = r.inner();
      for (int o = 0; o < r.outer(); o++) {
        for (int j = 0; j < r.inner(); j++) {
          int base = o * m * stride + j;
          int len = rowLength(length, o * r.inner() + j, m);
          float sum = 0f;
          for (int c = 0; c < len; c++) {
            int i = base + c * stride;
            sum += log ? dy.get(i) : dy.get(i) * y.get(i);
          }
          for (int c = 0; c < m; c++) {
            int i = base + c * stride;
            float g = 0f;
            if (c < len) {
              g = log ? dy.get(i) - (float) Math.exp(y.get(i)) * sum : y.get(i) * (dy.get(i) - sum);
              g = unit ? g : g / t;
            }
            dx.put(i, add ? dx.get(i) + g : g);
          }
        }
      }
    }
  }

  @Override
  public double[][] reference(SoftmaxOp.Params p, Shape[] inShapes, double[][] in,
      boolean train) {
    Rows r = rows(p, inShapes[0]);
    double t = p.temperature() == null ? 1.0 : (float) (double) p.temperature();
    double[] x = in[0];
    double[] y = new double[x.length];
    int m = r.len();
    for (int o = 0; o < r.outer(); o++) {
      for (int j = 0; j < r.inner(); j++) {
        int base = o * m * r.inner() + j;
        int len = m;
        if (useLength(p)) {
          double v = in[1][o * r.inner() + j];
          len = v <= 0 ? 0 : v >= m ? m : (int) v;
        }
        if (len == 0) {
          continue;
        }
        double max = x[base];
        for (int c = 1; c < len; c++) {
          if (max < x[base + c * r.inner()]) {
            max = x[base + c * r.inner()];
          }
        }
        double sum = 0;
        for (int c = 0; c < len; c++) {
          sum += Math.exp((x[base + c * r.inner()] - max) / t);
        }
        for (int c = 0; c < len; c++) {
          double z = (x[base + c * r.inner()] - max) / t;
          y[base + c * r.inner()] = log ? z - Math.log(sum) : Math.exp(z) / sum;
        }
      }
    }
    return new double[][] {y};
  }
}
