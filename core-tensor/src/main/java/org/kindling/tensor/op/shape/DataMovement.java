package org.kindling.tensor.op.shape;

import java.util.List;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.StridedCopy;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.TensorView;

/**
 * An operator that only moves elements: every output element is one input element, described as
 * strided views ({@link Move}) that together cover every output element exactly once
 * (transpose, slice, concat, split, stack, broadcast, tile, repeat, reverse). The forward kernel
 * copies each view (any element type, bulk where a run is contiguous); the backward kernel adds
 * each output-gradient view back onto its input-gradient view (float32), which sums the
 * gradients of elements read more than once (broadcast, tile, repeat).
 *
 * <p>The float64 references of subclasses are written independently, with plain index
 * arithmetic, so that the tests compare two different derivations of each operator.
 *
 * @param <P> the operator's parameter record
 */
abstract class DataMovement<P extends Record> extends OpDef<P> {
  /**
   * One strided block: the elements {@code dims} of input {@code in} at {@code inOffset} with
   * strides {@code inStrides} go to output {@code out} at {@code outOffset} with strides
   * {@code outStrides} (all in elements).
   */
  record Move(int in, int inOffset, int[] inStrides, int out, int outOffset, int[] outStrides,
      int[] dims) {}

  DataMovement(String name, List<String> aliases, Class<P> type, List<Param<?>> params) {
    super(name, aliases, type, params);
  }

  /**
   * The moves for these parameters and shapes (both fully known, as inferred).
   *
   * @param in input shapes
   * @param out output shapes
   */
  abstract List<Move> moves(P p, Shape[] in, Shape[] out);

  @Override
  public BackwardDeps backwardDeps(P p) {
    return BackwardDeps.gradientsOnly();
  }

  @Override
  public List<KernelFactory<P>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> {
      DType t = sig.outTypes()[0];
      for (DType d : sig.inTypes()) {
        if (d != t) {
          return null;
        }
      }
      for (DType d : sig.outTypes()) {
        if (d != t) {
          return null;
        }
      }
      return new Cpu(moves(p, sig.inShapes(), sig.outShapes()), t.byteSize());
    }));
  }

  /** Copies the moves forward; adds them backward. */
  private record Cpu(List<Move> moves, int elemSize) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      for (Move m : moves) {
        StridedCopy.copy(in[m.in()].data(), m.inOffset(), m.inStrides(), out[m.out()].data(),
            m.outOffset(), m.outStrides(), m.dims(), elemSize);
      }
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      // one input at a time, so that the same buffer asked for write then add (an array
      // passed twice) sees its first gradient complete before the second is added
      for (int i = 0; i < a.in().length; i++) {
        if (!a.wants(i)) {
          continue;
        }
        TensorView dx = a.inGrad()[i];
        a.zeroUnlessAdding(i);
        for (Move m : moves) {
          if (m.in() == i) {
            StridedCopy.add(a.outGrad()[m.out()].floats(), m.outOffset(), m.outStrides(),
                dx.floats(), m.inOffset(), m.inStrides(), m.dims());
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ shared shape helpers

  /** Row-major strides of {@code s}. */
  static int[] strides(Shape s) {
    return StridedCopy.contiguousStrides(s.dims());
  }

  /** Product of {@code dims[from, to)}. */
  static int prod(int[] dims, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= dims[i];
    }
    return p;
  }

  /** Row-major coordinates of flat index {@code i} in {@code dims}. */
  static int[] unravel(int i, int[] dims) {
    int[] c = new int[dims.length];
    for (int a = dims.length - 1; a >= 0; a--) {
      c[a] = dims[a] == 0 ? 0 : i % dims[a];
      i = dims[a] == 0 ? 0 : i / dims[a];
    }
    return c;
  }

  /** Flat row-major index of coordinates {@code c} in {@code dims}. */
  static int ravel(int[] c, int[] dims) {
    int i = 0;
    for (int a = 0; a < dims.length; a++) {
      i = i * dims[a] + c[a];
    }
    return i;
  }
}
