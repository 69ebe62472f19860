package org.kindling.tensor.op.math;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
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
abstract class ScalarBinary extends OpDef<ScalarParams> {
  private final BinaryFn fn;
  private final boolean reversed;

  ScalarBinary(String name, List<String> aliases, BinaryFn fn, boolean reversed) {
    super(name, aliases, ScalarParams.class, List.of(ScalarParams.SCALAR, ScalarParams.IS_INT));
    this.fn = fn;
    this.reversed = reversed;
  }

  @Override
  public final List<String> inputNames(ScalarParams p) {
    return List.of("data");
  }

  @Override
  public final void inferShape(ScalarParams p, ShapeSlots s) {
    if (s.in(0) != null) {
      s.assignOut(0, s.in(0));
    } else if (s.out(0) != null) {
      s.assignIn(0, s.out(0));
    }
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
  private record Cpu(BinaryFn fn, boolean reversed, Reads reads, float s) implements Kernel {
    private static final int CHUNK = 4096;

    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer x = in[0].floats();
      FloatBuffer y = out[0].floats();
      int n = in[0].size();
      float[] v = new float[Math.min(CHUNK, n)];
      float[] c = new float[v.length];
      Arrays.fill(c, s);
      for (int start = 0; start < n; start += CHUNK) {
        int m = Math.min(CHUNK, n - start);
        x.get(start, v, 0, m);
        if (reversed) {
          fn.map(c, v, v, m);
        } else {
          fn.map(v, c, v, m);
        }
        y.put(start, v, 0, m);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (!a.wants(0)) {
        return;
      }
      FloatBuffer dx = a.inGrad()[0].floats();
      int n = a.inGrad()[0].size();
      if (fn.logic()) {
        if (!a.adds(0)) {
          FloatKernels.zero(dx, n); // MakeZeroGradNodes
        }
        return;
      }
      FloatBuffer dy = a.outGrad()[0].floats();
      FloatBuffer src = switch (reads) {
        case INPUT -> a.in()[0].floats();
        case OUTPUT -> a.out()[0].floats();
        case NOTHING -> null;
      };
      float logS = (float) Math.log(s);
      float[] g = new float[Math.min(CHUNK, n)];
      float[] v = new float[g.length];
      float[] old = new float[g.length];
      for (int start = 0; start < n; start += CHUNK) {
        int m = Math.min(CHUNK, n - start);
        dy.get(start, g, 0, m);
        if (src != null) {
          src.get(start, v, 0, m);
        }
        for (int j = 0; j < m; j++) {
          float d;
          if (reads == Reads.OUTPUT) {
            d = v[j] * logS; // rpower_grad(out, s) = out * log(s)
          } else {
            d = reversed ? fn.gradB(s, v[j]) : fn.gradA(v[j], s);
          }
          g[j] *= d;
        }
        BinaryKernel.put(dx, start, g, old, m, a.adds(0));
      }
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

  /**
   * Comparisons: small integers (ties with the scalar), a non-integer scalar with
   * {@code is_int=False}, and 0; arithmetic: two scalars and a long forward-only input.
   */
  @Override
  public List<Sample<ScalarParams>> samples() {
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
