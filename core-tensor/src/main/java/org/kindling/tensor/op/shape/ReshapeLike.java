package org.kindling.tensor.op.shape;

import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.kernel.FloatKernels;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.BackwardDeps;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.TensorView;

/**
 * An operator whose output is its one input's data, unchanged and in the same order, under
 * another shape (Reshape, Flatten, expand_dims, ...). As in MXNet, where the reshape family shares
 * one identity kernel, the forward pass copies the data (a memory plan may instead let the output
 * share the input's buffer, {@link #inplaceIdentity}) and the backward pass copies the output
 * gradient back; subclasses declare only their parameters and shape rule.
 *
 * @param <P> the operator's parameter record
 */
public abstract class ReshapeLike<P extends Record> extends OpDef<P> {
  /** See {@link OpDef#OpDef(String, List, Class, List)}. */
  protected ReshapeLike(String name, List<String> aliases, Class<P> paramsType,
      List<Param<?>> params) {
    super(name, aliases, paramsType, params);
  }

  @Override
  public final List<String> inputNames(P p) {
    return List.of("data");
  }

  @Override
  public final boolean inplaceIdentity(P p) {
    return true;
  }

  @Override
  public final List<int[]> inplaceOptions(P p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public final List<int[]> backwardInplaceOptions(P p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public final BackwardDeps backwardDeps(P p) {
    return BackwardDeps.gradientsOnly();
  }

  @Override
  public void inferType(P p, org.kindling.tensor.op.TypeSlots t) {
    t.allSame();
  }

  @Override
  public final List<KernelFactory<P>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> IDENTITY));
  }

  /** Copies bytes (any dtype) unless the buffers are the same. */
  private static final Kernel IDENTITY = new Kernel() {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      copy(in[0], out[0]);
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (!a.wants(0)) {
        return;
      }
      TensorView dy = a.outGrad()[0];
      TensorView dx = a.inGrad()[0];
      if (a.adds(0)) {
        FloatKernels.binary(FloatKernels.Binary.ADD, dx.floats(), dy.floats(), dx.floats(),
            dx.size());
      } else {
        copy(dy, dx);
      }
    }
  };

  /** Copies the bytes; a copy onto the same memory (an in-place plan) changes nothing. */
  private static void copy(TensorView from, TensorView to) {
    int bytes = from.size() * from.dtype().byteSize();
    to.data().put(0, from.data(), 0, bytes);
  }

  @Override
  public final double[][] reference(P p, Shape[] inShapes, double[][] in, boolean train) {
    return new double[][] {in[0].clone()};
  }
}
