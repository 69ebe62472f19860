package org.kindling.tensor.dnnl;

import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;

/**
 * The rules of an operator run by a {@link WeightedKernel} (convolution, deconvolution, inner
 * product): its kernel, and on the executor's request the same layer with an Activation(relu)
 * epilogue fused into the forward primitive.
 *
 * @param <P> the operator's parameter record
 */
abstract class WeightedRules<P> implements DnnlFactory.Rules<P> {
  /** One layer's primitives and the caller's layouts of its tensors. */
  record Layer(WeightedKernel.UserLayouts user, WeightedKernel.Pass forward,
      WeightedKernel.Pass backwardData, WeightedKernel.Pass backwardWeights) {}

  private final String op;

  /** @param op the operator's name, for the log of implementations */
  WeightedRules(String op) {
    this.op = op;
  }

  /**
   * The forward (applying a ReLU to its result if {@code relu}), backward-data and
   * backward-weights primitives of the layer {@code p} on {@code sig}.
   */
  abstract Layer layer(Dnnl dnnl, P p, KernelSignature sig, boolean relu);

  /**
   * Null (oneDNN runs every shape of these layers) but for an empty tensor (the operators
   * themselves refuse channel-last layouts).
   */
  @Override
  public String unsupported(P p, KernelSignature sig) {
    return Shapes.empty(sig);
  }

  @Override
  public final Kernel make(Dnnl dnnl, P p, KernelSignature sig, int threads) {
    return kernel(dnnl, p, sig, threads, false);
  }

  private WeightedKernel kernel(Dnnl dnnl, P p, KernelSignature sig, int threads,
      boolean relu) {
    Layer l = layer(dnnl, p, sig, relu);
    return new WeightedKernel(dnnl, threads, relu ? op + "+relu" : op, sig, l.user(),
        l.forward(), l.backwardData(), l.backwardWeights(),
        relu ? null : act -> DnnlKernel.isRelu(act) ? kernel(dnnl, p, sig, threads, true) : null);
  }
}
