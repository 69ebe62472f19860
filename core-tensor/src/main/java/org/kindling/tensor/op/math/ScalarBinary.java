package org.kindling.tensor.op.math;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.DataGradientKernel;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.TypeSlots;

/**
 * The {@code _*_scalar} family (MXNet's {@code MXNET_OPERATOR_REGISTER_BINARY_SCALAR}): one input
 * {@code data} combined element-wise with the parameter {@code scalar}, as {@code data (op)
 * scalar} or, for the reversed operators ({@code _rminus_scalar}, {@code _rdiv_scalar}, ...),
 * {@code scalar (op) data}. Output {@code output} of the input's shape; in-place option {0,0}.
 * The scalar is cast to the data's type first, so float32 data meets {@code (float) scalar}.
 *
 * <p>Types follow MXNet 1.9's {@code NumpyBinaryScalarType}: the output has the input's type,
 * except that integer data with {@code is_int=False} gives float64 and bool data gives int64
 * ({@code is_int}) or float64. Kernels compute float32.
 */
class ScalarBinary extends OpDef<ScalarParams> {
  /**
   * The family: MXNet's name, its aliases and the element function, applied as
   * {@code data (op) scalar} or, {@link #reversed}, as {@code scalar (op) data}; samples where
   * the function needs its own.
   */
  static final List<ScalarBinary> ALL = List.of(
      op("_plus_scalar", List.of("_PlusScalar"), BinaryFn.PLUS),
      op("_minus_scalar", List.of("_MinusScalar"), BinaryFn.MINUS),
      reversed("_rminus_scalar", List.of("_RMinusScalar"), BinaryFn.MINUS),
      op("_mul_scalar", List.of("_MulScalar"), BinaryFn.MUL),
      op("_div_scalar", List.of("_DivScalar"), BinaryFn.DIV),
      reversed("_rdiv_scalar", List.of("_RDivScalar"), BinaryFn.DIV, List.of(
          Sample.of(ScalarParams.of(2.5), Shape.of(3, 4)).domain(0, Domain.POSITIVE),
          Sample.of(ScalarParams.of(-1), Shape.of(2, 5)).domain(0, Domain.range(-3, -0.5)),
          Sample.of(ScalarParams.of(0.1), Shape.of(5000)).noGradientCheck())),
      op("_mod_scalar", List.of("_ModScalar"), BinaryFn.MOD, List.of(
          Sample.of(ScalarParams.of(1.3), Shape.of(3, 4)).domain(0, Domain.range(0.1, 1.2)),
          Sample.of(ScalarParams.of(-1.3), Shape.of(3, 4)).domain(0, Domain.range(0.1, 1.2)),
          Sample.of(ScalarParams.of(0.7), Shape.of(5000)).noGradientCheck(),
          Sample.of(ScalarParams.of(0), Shape.of(3, 4)).noGradientCheck())),
      reversed("_rmod_scalar", List.of("_RModScalar"), BinaryFn.MOD, List.of(
          Sample.of(ScalarParams.of(2.5), Shape.of(3, 4)).domain(0, Domain.range(2.6, 3)),
          Sample.of(ScalarParams.of(-2.5), Shape.of(3, 4)).domain(0, Domain.range(2.6, 3)),
          Sample.of(ScalarParams.of(2.5), Shape.of(3, 4)).domain(0, Domain.range(1.3, 2.4)),
          Sample.of(ScalarParams.of(1.7), Shape.of(5000)).noGradientCheck())),
      op("_power_scalar", List.of("_PowerScalar"), BinaryFn.POWER, List.of(
          Sample.of(ScalarParams.of(2), Shape.of(3, 4)),
          Sample.of(new ScalarParams(0.5, false), Shape.of(3, 4)).domain(0, Domain.POSITIVE),
          Sample.of(ScalarParams.of(-1.5), Shape.of(3, 4)).domain(0, Domain.POSITIVE),
          Sample.of(ScalarParams.of(3), Shape.of(5000)).noGradientCheck())),
      reversed("_rpower_scalar", List.of("_RPowerScalar"), BinaryFn.POWER, List.of(
          Sample.of(ScalarParams.of(2), Shape.of(3, 4)),
          Sample.of(new ScalarParams(0.5, false), Shape.of(3, 4)),
          Sample.of(ScalarParams.of(-2), Shape.of(3, 4)).noGradientCheck(),
          Sample.of(ScalarParams.of(1.5), Shape.of(5000)).noGradientCheck())),
      op("_maximum_scalar", List.of("_MaximumScalar", "_npi_maximum_scalar"), BinaryFn.MAXIMUM),
      op("_minimum_scalar", List.of("_MinimumScalar", "_npi_minimum_scalar"), BinaryFn.MINIMUM),
      op("_hypot_scalar", List.of("_npi_hypot_scalar", "_HypotScalar"), BinaryFn.HYPOT),
      op("_equal_scalar", List.of("_EqualScalar"), BinaryFn.EQUAL),
      op("_not_equal_scalar", List.of("_NotEqualScalar"), BinaryFn.NOT_EQUAL),
      op("_greater_scalar", List.of("_GreaterScalar"), BinaryFn.GREATER),
      op("_greater_equal_scalar", List.of("_GreaterEqualScalar"), BinaryFn.GREATER_EQUAL),
      op("_lesser_scalar", List.of("_LesserScalar"), BinaryFn.LESSER),
      op("_lesser_equal_scalar", List.of("_LesserEqualScalar"), BinaryFn.LESSER_EQUAL),
      op("_logical_and_scalar", List.of("_LogicalAndScalar"), BinaryFn.LOGICAL_AND),
      op("_logical_or_scalar", List.of("_LogicalOrScalar"), BinaryFn.LOGICAL_OR),
      op("_logical_xor_scalar", List.of("_LogicalXorScalar"), BinaryFn.LOGICAL_XOR));

  private final BinaryFn fn;
  private final boolean reversed;
  private final List<Sample<ScalarParams>> samples;

  /**
   * @param reversed true for {@code scalar (op) data}
   * @param samples the test samples, or null for {@link #defaultSamples}
   */
  ScalarBinary(String name, List<String> aliases, BinaryFn fn, boolean reversed,
      List<Sample<ScalarParams>> samples) {
    super(name, aliases, ScalarParams.class, List.of(ScalarParams.SCALAR, ScalarParams.IS_INT));
    this.fn = fn;
    this.reversed = reversed;
    this.samples = samples != null ? samples : defaultSamples(fn);
  }

  private static ScalarBinary op(String name, List<String> aliases, BinaryFn fn) {
    return new ScalarBinary(name, aliases, fn, false, null);
  }

  private static ScalarBinary op(String name, List<String> aliases, BinaryFn fn,
      List<Sample<ScalarParams>> samples) {
    return new ScalarBinary(name, aliases, fn, false, samples);
  }

  private static ScalarBinary reversed(String name, List<String> aliases, BinaryFn fn) {
    return new ScalarBinary(name, aliases, fn, true, null);
  }

  private static ScalarBinary reversed(String name, List<String> aliases, BinaryFn fn,
      List<Sample<ScalarParams>> samples) {
    return new ScalarBinary(name, aliases, fn, true, samples);
  }

  @Override
  public final List<String> inputNames(ScalarParams p) {
    return List.of("data");
  }


  @Override
  public void inferType(ScalarParams p, TypeSlots t) {
    DType in = t.in(0);
    if (in != null && isInteger(in) && !p.isInt()) {
      t.assignOut(0, DType.FLOAT64);
    } else if (in == DType.BOOL) {
      t.assignOut(0, p.isInt() ? DType.INT64 : DType.FLOAT64);
    } else {
      t.allSame();
    }
  }

  private static boolean isInteger(DType t) {
    return switch (t) {
      case UINT8, INT8, INT16, UINT16, INT32, UINT32, INT64, UINT64 -> true;
      default -> false;
    };
  }

  @Override
  public final List<int[]> inplaceOptions(ScalarParams p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public final List<int[]> backwardInplaceOptions(ScalarParams p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  /** What the gradient reads (MXNet's ElemwiseGradUseNone/UseIn/UseOut). */
  private enum Reads { NOTHING, INPUT, OUTPUT }

  private Reads reads() {
    if (fn.logic() || fn == BinaryFn.PLUS || fn == BinaryFn.MINUS || fn == BinaryFn.MUL
        || (fn == BinaryFn.DIV && !reversed)) {
      return Reads.NOTHING;
    }
    // _rpower_scalar's gradient is out * log(scalar), from the output
    return fn == BinaryFn.POWER && reversed ? Reads.OUTPUT : Reads.INPUT;
  }

  @Override
  public final BackwardDeps backwardDeps(ScalarParams p) {
    return switch (reads()) {
      case NOTHING -> BackwardDeps.gradientsOnly();
      case INPUT -> BackwardDeps.inputs(0);
      case OUTPUT -> BackwardDeps.outputs(0);
    };
  }

  @Override
  public final Gradient gradient(ScalarParams p) {
    return fn.logic() ? Gradient.ZERO : Gradient.DIFFERENTIABLE;
  }

  @Override
  public final List<KernelFactory<ScalarParams>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32()
        ? new Cpu(fn, reversed, reads(), p.floatScalar()) : null));
  }

  /** One chunk loop for all: the scalar fills a chunk-sized operand once per call. */
  private record Cpu(BinaryFn fn, boolean reversed, Reads reads, float s)
      implements DataGradientKernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      int n = in[0].size();
      float[] c = new float[Math.min(Chunks.SIZE, n)];
      Arrays.fill(c, s);
      Chunks.map(in[0].floats(), out[0].floats(), n, reversed
          ? (v, m) -> fn.map(c, v, v, m) : (v, m) -> fn.map(v, c, v, m));
    }

    @Override
    public void dataGradient(OpContext ctx, BackwardArgs a, FloatBuffer dy, FloatBuffer dx) {
      if (fn.logic()) {
        a.zeroUnlessAdding(0); // MakeZeroGradNodes
        return;
      }
      FloatBuffer src = switch (reads) {
        case INPUT -> a.in()[0].floats();
        case OUTPUT -> a.out()[0].floats();
        case NOTHING -> null;
      };
      float logS = (float) Math.log(s);
      Chunks.gradient(dy, src, dx, a.inGrad()[0].size(), a.adds(0), (g, v) -> g * (
          reads == Reads.OUTPUT ? v * logS // rpower_grad(out, s) = out * log(s)
              : reversed ? fn.gradB(s, v) : fn.gradA(v, s)));
    }
  }

  @Override
  public final double[][] reference(ScalarParams p, Shape[] inShapes, double[][] in,
      boolean train) {
    double s = p.floatScalar();
    double[] y = new double[in[0].length];
    for (int i = 0; i < y.length; i++) {
      y[i] = reversed ? fn.ref(s, in[0][i]) : fn.ref(in[0][i], s);
    }
    return new double[][] {y};
  }

  @Override
  public final List<Sample<ScalarParams>> samples() {
    return samples;
  }

  /**
   * Comparisons: small integers (ties with the scalar), a non-integer scalar with
   * {@code is_int=False}, and 0; arithmetic: two scalars and a long forward-only input.
   */
  private static List<Sample<ScalarParams>> defaultSamples(BinaryFn fn) {
    if (fn.logic()) {
      return List.of(
          Sample.of(ScalarParams.of(1), Shape.of(3, 4)).domain(0, Domain.index(3)),
          Sample.of(new ScalarParams(0.5, false), Shape.of(3, 4)),
          Sample.of(ScalarParams.of(0), Shape.of(3, 4)));
    }
    return List.of(Sample.of(ScalarParams.of(2.5), Shape.of(3, 4)),
        Sample.of(new ScalarParams(-1.25, false), Shape.of(2, 5)),
        Sample.of(ScalarParams.of(0.1), Shape.of(5000)).noGradientCheck());
  }
}
