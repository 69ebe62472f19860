package org.kindling.tensor.op.math;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;
import org.kindling.tensor.op.TensorView;

/**
 * The unary math family (MXNet's {@code MXNET_OPERATOR_REGISTER_UNARY}): one input {@code data},
 * one output {@code output} of the same shape and type ({@code ElemwiseShape<1, 1>},
 * {@code ElemwiseType<1, 1>}), {@code y = f(x)} element-wise, in-place option {0,0}. The
 * function, its derivative and what the backward pass reads come from a {@link UnaryFn}; the
 * rounding functions pass zero gradients.
 */
abstract class UnaryMath extends OpDef<NoParams> {
  private static final int CHUNK = 4096;
  private final UnaryFn fn;

  UnaryMath(String name, List<String> aliases, UnaryFn fn) {
    super(name, aliases, NoParams.class, List.of());
    this.fn = fn;
  }

  @Override
  public final List<String> inputNames(NoParams p) {
    return List.of("data");
  }

  @Override
  public final void inferShape(NoParams p, ShapeSlots s) {
    if (s.in(0) != null) {
      s.assignOut(0, s.in(0));
    } else if (s.out(0) != null) {
      s.assignIn(0, s.out(0));
    }
  }

  @Override
  public final List<int[]> inplaceOptions(NoParams p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public final List<int[]> backwardInplaceOptions(NoParams p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public final BackwardDeps backwardDeps(NoParams p) {
    return switch (fn.reads()) {
      case NOTHING, ZERO -> BackwardDeps.gradientsOnly();
      case INPUT -> BackwardDeps.inputs(0);
      case OUTPUT -> BackwardDeps.outputs(0);
    };
  }

  @Override
  public final Gradient gradient(NoParams p) {
    return fn.reads() == UnaryFn.Reads.ZERO ? Gradient.ZERO : Gradient.DIFFERENTIABLE;
  }

  @Override
  public final List<KernelFactory<NoParams>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32() ? new Cpu(fn) : null));
  }

  /** Chunked loops; the output may be the input's buffer. */
  private record Cpu(UnaryFn fn) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      FloatBuffer x = in[0].floats();
      FloatBuffer y = out[0].floats();
      int n = in[0].size();
      float[] v = new float[Math.min(CHUNK, n)];
      for (int start = 0; start < n; start += CHUNK) {
        int m = Math.min(CHUNK, n - start);
        x.get(start, v, 0, m);
        fn.map(v, m);
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
      UnaryFn.Reads reads = fn.reads();
      if (reads == UnaryFn.Reads.ZERO) {
        if (!a.adds(0)) {
          FloatKernels.zero(dx, n);
        }
        return;
      }
      FloatBuffer dy = a.outGrad()[0].floats();
      FloatBuffer src = switch (reads) {
        case INPUT -> a.in()[0].floats();
        case OUTPUT -> a.out()[0].floats();
        default -> null;
      };
      float[] g = new float[Math.min(CHUNK, n)];
      float[] v = new float[g.length];
      float[] old = new float[g.length];
      for (int start = 0; start < n; start += CHUNK) {
        int m = Math.min(CHUNK, n - start);
        dy.get(start, g, 0, m);
        if (src != null) {
          src.get(start, v, 0, m);
        }
        if (reads == UnaryFn.Reads.OUTPUT) {
          for (int j = 0; j < m; j++) {
            g[j] *= fn.grad(0f, v[j]);
          }
        } else {
          for (int j = 0; j < m; j++) {
            g[j] *= fn.grad(v[j], 0f);
          }
        }
        BinaryKernel.put(dx, start, g, old, m, a.adds(0));
      }
    }
  }

  @Override
  public final double[][] reference(NoParams p, Shape[] inShapes, double[][] in,
      boolean train) {
    double[] y = new double[in[0].length];
    for (int i = 0; i < y.length; i++) {
      y[i] = fn.ref(in[0][i]);
    }
    return new double[][] {y};
  }

  /** A (3, 4) input from {@link Domain#ANY} and a long forward-only one. */
  @Override
  public List<Sample<NoParams>> samples() {
    return samples(Domain.ANY);
  }

  /**
   * A (3, 4) sample per domain (gradient checked), a (2, 3, 5) one from the first, and a
   * forward-only (5000,) one from {@link Domain#ANY} (NaN, infinities and out-of-domain values
   * must come out as MXNet gives them).
   */
  static List<Sample<NoParams>> samples(Domain... domains) {
    List<Sample<NoParams>> out = new ArrayList<>();
    for (Domain d : domains) {
      out.add(Sample.of(NoParams.NONE, Shape.of(3, 4)).domain(0, d));
    }
    out.add(Sample.of(NoParams.NONE, Shape.of(2, 3, 5)).domain(0, domains[0]));
    out.add(Sample.of(NoParams.NONE, Shape.of(5000)).noGradientCheck());
    return out;
  }
}
