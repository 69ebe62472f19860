package org.kindling.tensor.op.math;

import java.util.ArrayList;
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
 * The {@code broadcast_*} family (MXNet's {@code MXNET_OPERATOR_REGISTER_BINARY_BROADCAST}):
 * {@code lhs (op) rhs} with NumPy broadcasting ({@code BinaryBroadcastShape}: the shorter shape is
 * padded with leading 1s; per axis the extents must be equal or one of them 1). Inputs
 * {@code lhs}, {@code rhs}; output {@code output} of the broadcast shape and the inputs' common
 * type. The gradient of a broadcast operand is summed over the axes it was broadcast along.
 * Shapes are inferred forward only, once both inputs are known, as MXNet does. MXNet's in-place
 * options {0,0} and {1,0} are declared; they apply when an input has the output's size.
 */
abstract class BroadcastBinary extends OpDef<NoParams> {
  private final BinaryFn fn;

  BroadcastBinary(String name, List<String> aliases, BinaryFn fn) {
    super(name, aliases, NoParams.class, List.of());
    this.fn = fn;
  }

  @Override
  public final List<String> inputNames(NoParams p) {
    return List.of("lhs", "rhs");
  }

  /**
   * @throws IllegalArgumentException if the input shapes do not broadcast together
   */
  @Override
  public final void inferShape(NoParams p, ShapeSlots s) {
    if (s.in(0) == null || s.in(1) == null) {
      return;
    }
    s.assignOut(0, Broadcast.shape(s.in(0), s.in(1)));
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

  @Override
  public List<Sample<NoParams>> samples() {
    if (fn.logic()) {
      // small integers so that equal elements occur
      return samples(Domain.index(3), Domain.index(3));
    }
    return samples(Domain.ANY, Domain.ANY);
  }

  /**
   * Shape pairs covering one- and two-sided broadcasting, rank padding, an operand repeated
   * every row on either side (the kernel's tiled path), equal shapes, a one-element operand and
   * rows longer than a kernel chunk, with inputs drawn from {@code lhs}/{@code rhs}.
   */
  static List<Sample<NoParams>> samples(Domain lhs, Domain rhs) {
    Shape[][] pairs = {
      {Shape.of(2, 3, 4), Shape.of(1, 3, 1)},
      {Shape.of(3, 1), Shape.of(1, 4)},
      {Shape.of(4), Shape.of(2, 3, 4)},
      {Shape.of(2, 3, 4), Shape.of(3, 4)},
      {Shape.of(2, 1, 3), Shape.of(2, 4, 1)},
      {Shape.of(2, 3), Shape.of(2, 3)},
      {Shape.of(1), Shape.of(3, 2)},
      {Shape.of(2, 4500), Shape.of(2, 1)},
    };
    List<Sample<NoParams>> out = new ArrayList<>();
    for (Shape[] pair : pairs) {
      Sample<NoParams> s = Sample.of(NoParams.NONE, pair[0], pair[1]).domain(0, lhs)
          .domain(1, rhs);
      // central differences over 9000 elements are too slow; BroadcastKernelTest covers the
      // backward pass of long rows
      out.add(pair[0].size() > 1000 ? s.noGradientCheck() : s);
    }
    return out;
  }
}
