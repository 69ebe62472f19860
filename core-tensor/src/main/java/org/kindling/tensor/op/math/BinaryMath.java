package org.kindling.tensor.op.math;

import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.Broadcast;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpDef;

/**
 * What the two-operand math families share, {@link ElemwiseBinary} (equal shapes) and
 * {@link BroadcastBinary} (NumPy broadcasting): inputs {@code lhs}, {@code rhs}, output
 * {@code output} = {@code lhs (op) rhs} by a {@link BinaryFn}, in-place options {0,0} and {1,0},
 * one {@link BinaryKernel}, and zero gradients for comparisons and logical operators, which give
 * 1/0 in the inputs' type. The families differ in shape inference and samples.
 */
abstract class BinaryMath extends OpDef<NoParams> {
  /** The element function. */
  final BinaryFn fn;

  BinaryMath(String name, List<String> aliases, BinaryFn fn) {
    super(name, aliases, NoParams.class, List.of());
    this.fn = fn;
  }

  @Override
  public final List<String> inputNames(NoParams p) {
    return List.of("lhs", "rhs");
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

  /** Plain loops: each output element reads the operand elements its index maps to. */
  @Override
  public final double[][] reference(NoParams p, Shape[] inShapes, double[][] in,
      boolean train) {
    Shape out = Broadcast.shape(inShapes[0], inShapes[1]);
    double[] y = new double[out.intSize()];
    for (int i = 0; i < y.length; i++) {
      y[i] = fn.ref(in[0][Broadcast.sourceIndex(out, inShapes[0], i)],
          in[1][Broadcast.sourceIndex(out, inShapes[1], i)]);
    }
    return new double[][] {y};
  }
}
