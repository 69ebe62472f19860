package org.kindling.tensor.op.math;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.DataGradientKernel;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.TensorView;

/**
 * The unary math family (MXNet's {@code MXNET_OPERATOR_REGISTER_UNARY}): one operator per row of
 * {@link UnaryFn} ({@code abs}, {@code exp}, {@code relu}, ...). One input {@code data}, one
 * output {@code output} of the same shape and type ({@code ElemwiseShape<1, 1>},
 * {@code ElemwiseType<1, 1>}), {@code y = f(x)} element-wise, in-place option {0,0}. The
 * function, its derivative and what the backward pass reads come from the row; the rounding
 * functions pass zero gradients.
 */
final class UnaryMath extends OpDef<NoParams> {
  /** The family, one operator per row of the table. */
  static final List<UnaryMath> ALL = Arrays.stream(UnaryFn.values()).map(UnaryMath::new).toList();

  private final UnaryFn fn;

  private UnaryMath(UnaryFn fn) {
    super(fn.opName(), fn.aliases(), NoParams.class, List.of());
    this.fn = fn;
  }

  @Override
  public final List<String> inputNames(NoParams p) {
    return List.of("data");
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
  private record Cpu(UnaryFn fn) implements DataGradientKernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      Chunks.map(in[0].floats(), out[0].floats(), in[0].size(), fn::map);
    }

    @Override
    public void dataGradient(OpContext ctx, BackwardArgs a, FloatBuffer dy, FloatBuffer dx) {
      int n = a.inGrad()[0].size();
      boolean add = a.adds(0);
      switch (fn.reads()) {
        case ZERO -> a.zeroUnlessAdding(0);
        case NOTHING -> Chunks.gradient(dy, null, dx, n, add, (g, v) -> g * fn.grad(0f, 0f));
        case INPUT -> Chunks.gradient(dy, a.in()[0].floats(), dx, n, add,
            (g, x) -> g * fn.grad(x, 0f));
        case OUTPUT -> Chunks.gradient(dy, a.out()[0].floats(), dx, n, add,
            (g, y) -> g * fn.grad(0f, y));
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

  /**
   * A (3, 4) sample per domain of the row (gradient checked), a (2, 3, 5) one from the first,
   * and a forward-only (5000,) one from {@link Domain#ANY} (NaN, infinities and out-of-domain
   * values must come out as MXNet gives them).
   */
  @Override
  public List<Sample<NoParams>> samples() {
    List<Sample<NoParams>> out = new ArrayList<>();
    for (Domain d : fn.domains()) {
      out.add(Sample.of(NoParams.NONE, Shape.of(3, 4)).domain(0, d));
    }
    out.add(Sample.of(NoParams.NONE, Shape.of(2, 3, 5)).domain(0, fn.domains().get(0)));
    out.add(Sample.of(NoParams.NONE, Shape.of(5000)).noGradientCheck());
    return out;
  }
}
