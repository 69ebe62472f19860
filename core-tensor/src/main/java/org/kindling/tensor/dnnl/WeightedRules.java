package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.primitive_attr;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.KernelSignature;

/**
 * The rules of an operator run by a {@link WeightedKernel} (convolution, deconvolution, inner
 * product): its kernel, and on the executor's request the same layer with an Activation
 * epilogue (relu, tanh or sigmoid) fused into the forward primitive.
 *
 * @param <P> the operator's parameter record
 */
abstract class WeightedRules<P> implements DnnlFactory.Rules<P> {
  /**
   * One layer's primitives and the caller's layouts of its tensors: the forward of training
   * passes (the backward primitives' hint) and of inference passes, both with the same post-ops.
   */
  record Layer(WeightedKernel.UserLayouts user, WeightedKernel.Pass forward,
      WeightedKernel.Pass inference, WeightedKernel.Pass backwardData,
      WeightedKernel.Pass backwardWeights) {}

  private final String op;

  /** @param op the operator's name, for the log of implementations */
  WeightedRules(String op) {
    this.op = op;
  }

  /**
   * The training and inference forward (with the attributes {@code forwardAttr}: the
   * scratchpad and any post-ops), backward-data and backward-weights primitives of the layer {@code p} on {@code sig}.
   */
  abstract Layer layer(Dnnl dnnl, P p, KernelSignature sig, primitive_attr forwardAttr);

  /**
   * Null (oneDNN runs every shape of these layers) but for an empty tensor (the operators
   * themselves refuse channel-last layouts).
   */
  @Override
  public String unsupported(P p, KernelSignature sig) {
    return Shapes.empty(sig);
  }

  /**
   * The layer's kernel; where its workspace would pass {@link WorkspaceBound}, the kernel of
   * sub-batches of the batch (the leading axis of data and output), the largest that fit.
   *
   * @throws WorkspaceBound.Declined if one sample alone does not fit
   */
  @Override
  public final Kernel make(Dnnl dnnl, P p, KernelSignature sig, int threads) {
    long bound = WorkspaceBound.bytes();
    WeightedKernel whole = kernel(dnnl, p, sig, threads, PostOps.NONE);
    int batch = sig.in(0).get(0);
    if (whole.workspaceBytes() <= bound) {
      return whole;
    }
    if (batch > 1 && sig.in(0).ndim() > 1 && sig.outShapes().length == 1
        && sig.out(0).get(0) == batch) {
      // the workspace grows with the batch: start from the proportional share, then halve
      int size = (int) Math.max(1, Math.min(batch - 1,
          (long) ((double) bound / whole.workspaceBytes() * batch)));
      while (true) {
        WeightedKernel part = kernel(dnnl, p, subBatch(sig, size), threads, PostOps.NONE);
        if (part.workspaceBytes() <= bound) {
          int left = batch % size;
          WeightedKernel rest = left == 0 ? null
              : kernel(dnnl, p, subBatch(sig, left), threads, PostOps.NONE);
          Layout in = whole.nativeInput();
          return new SubBatchKernel(batch, size, part, rest, in, whole.nativeOutput(in));
        }
        if (size == 1) {
          break;
        }
        size = Math.max(1, size / 2);
      }
    }
    throw new WorkspaceBound.Declined("oneDNN needs " + whole.workspaceBytes()
        + " workspace bytes for " + sig + ", above -D" + WorkspaceBound.PROPERTY + "=" + bound
        + " even one sample at a time");
  }

  /** {@code sig} with {@code n} samples in its data (input 0) and output (output 0). */
  private static KernelSignature subBatch(KernelSignature sig, int n) {
    Shape[] in = sig.inShapes().clone();
    Shape[] out = sig.outShapes().clone();
    in[0] = withBatch(in[0], n);
    out[0] = withBatch(out[0], n);
    return new KernelSignature(in, sig.inTypes(), out, sig.outTypes());
  }

  private static Shape withBatch(Shape s, int n) {
    int[] d = s.dims();
    d[0] = n;
    return Shape.of(d);
  }

  private WeightedKernel kernel(Dnnl dnnl, P p, KernelSignature sig, int threads,
      PostOps post) {
    Layer l = layer(dnnl, p, sig, post.attr());
    return new WeightedKernel(dnnl, threads, op + post.suffix(), sig, l.user(), l.forward(),
        l.inference(), l.backwardData(), l.backwardWeights(), post,
        other -> kernel(dnnl, p, sig, threads, other));
  }
}
