package org.kindling.tensor.op.nn;

import java.nio.FloatBuffer;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.BackwardArgs;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Param;
import org.kindling.tensor.op.TensorView;

/**
 * Operators whose forward pass is the identity on one input {@code data} (output shape and
 * type = the data's) and which differ only in their backward pass: {@code _copy},
 * {@code BlockGrad}, {@code MakeLoss}, {@code make_loss}. The forward kernel copies the bytes
 * (any dtype; a copy onto the same buffer, when the memory plan runs it in place, changes
 * nothing).
 *
 * @param <P> the parameter record
 */
abstract class IdentityForward<P extends Record> extends OpDef<P> {
  IdentityForward(String name, List<String> aliases, Class<P> paramsType, List<Param<?>> params) {
    super(name, aliases, paramsType, params);
  }

  @Override
  public final List<String> inputNames(P p) {
    return List.of("data");
  }

  @Override
  public final List<int[]> inplaceOptions(P p) {
    return List.<int[]>of(new int[] {0, 0});
  }

  @Override
  public final List<KernelFactory<P>> kernels() {
    return List.of(KernelFactory.cpu((p, sig) -> new Cpu<>(this, p, sig.in(0).intSize())));
  }

  /**
   * Computes the data gradient (float32) of {@code n} elements into {@code a.inGrad()[0]},
   * honouring its request; called only when the gradient is wanted.
   */
  abstract void inputGradient(P p, int n, BackwardArgs a);

  /** The kernel: a byte copy forward, the operator's own gradient backward. */
  private record Cpu<P extends Record>(IdentityForward<P> op, P p, int n) implements Kernel {
    @Override
    public void forward(OpContext ctx, TensorView[] in, TensorView[] out) {
      int bytes = n * in[0].dtype().byteSize();
      out[0].data().put(0, in[0].data(), 0, bytes);
    }

    @Override
    public void backward(OpContext ctx, BackwardArgs a) {
      if (a.wants(0)) {
        op.inputGradient(p, n, a);
      }
    }
  }

  /** Writes (or, for an ADD request, adds) {@code value} to every element of the gradient. */
  static void fillGradient(BackwardArgs a, int n, float value) {
    FloatBuffer dx = a.inGrad()[0].floats();
    boolean add = a.adds(0);
    for (int i = 0; i < n; i++) {
      dx.put(i, add ? dx.get(i) + value : value);
    }
  }

  @Override
  public final double[][] reference(P p, Shape[] inShapes, double[][] in, boolean train) {
    return new double[][] {in[0].clone()};
  }
}
