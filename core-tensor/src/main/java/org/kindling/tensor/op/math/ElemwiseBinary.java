package org.kindling.tensor.op.math;

import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.Broadcast;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;
import org.kindling.tensor.op.ShapeSlots;

/**
 * The equal-shape binary family: {@code lhs (op) rhs} for two inputs of one shape, no
 * broadcasting (MXNet's {@code MXNET_OPERATOR_REGISTER_BINARY}: {@code ElemwiseShape<2, 1>},
 * {@code ElemwiseType<2, 1>}, in-place options {0,0} and {1,0}). Shapes are inferred in every
 * direction. Inputs {@code lhs}, {@code rhs}; output {@code output}, same shape and type.
 * Comparisons and logical operators give 1/0 in the inputs' type and pass zero gradients.
 */
abstract class ElemwiseBinary extends OpDef<NoParams> {
  private final BinaryFn fn;

  ElemwiseBinary(String name, List<String> aliases, BinaryFn fn) {
    super(name, aliases, NoParams.class, List.of());
    this.fn = fn;
  }

  /** The element function. */
  final BinaryFn fn() {
    return fn;
  }

  @Override
  public final List<String> inputNames(NoParams p) {
    return List.of("lhs", "rhs");
  }

  @Override
  public final void inferShape(NoParams p, ShapeSlots s) {
    Shape known = s.in(0) != null ? s.in(0) : s.in(1) != null ? s.in(1) : s.out(0);
    if (known == null) {
      return;
    }
    s.assignIn(0, known);
    s.assignIn(1, known);
    s.assignOut(0, known);
  }

  @Override
  public final List<int[]> inplaceOptions(NoParams p) {
    return List.of(new int[] {0, 0}, new int[] {1, 0});
  }

  @Override
  public final List<int[]> backwardInplaceOptions(NoParams p) {
    return List.of(new int[] {0, 0}, new int[] {0, 1});
  }

  @Override
  public final BackwardDeps backwardDeps(NoParams p) {
    return fn.logic() || !fn.gradientReadsOperands()
        ? BackwardDeps.gradientsOnly() : BackwardDeps.inputs(0, 1);
  }

  @Override
  public final Gradient gradient(NoParams p) {
    return fn.logic() ? Gradient.ZERO : Gradient.DIFFERENTIABLE;
  }

  @Override
  public final List<KernelFactory<NoParams>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> sig.allFloat32()
        ? new BinaryKernel(fn, Broadcast.of(sig.in(0), sig.in(1))) : null));
  }

  @Override
  public final double[][] reference(NoParams p, Shape[] inShapes, double[][] in,
      boolean train) {
    double[] y = new double[in[0].length];
    for (int i = 0; i < y.length; i++) {
      y[i] = fn.ref(in[0][i], in[1][i]);
    }
    return new double[][] {y};
  }

  /** Two (3, 4) inputs and a long vector pair; comparisons draw small integers so ties occur. */
  @Override
  public List<Sample<NoParams>> samples() {
    if (fn.logic()) {
      return List.of(Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4))
              .domain(0, Domain.index(3)).domain(1, Domain.index(3)),
          Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)));
    }
    return List.of(Sample.of(NoParams.NONE, Shape.of(3, 4), Shape.of(3, 4)),
        Sample.of(NoParams.NONE, Shape.of(5000), Shape.of(5000)));
  }
}
