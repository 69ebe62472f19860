package org.kindling.tensor.op;

import org.kindling.tensor.kernel.FloatKernels;

/**
 * The tensors of one backward call, as MXNet passes them to a backward FCompute: the output
 * gradients, the forward inputs and outputs (entries the operator's {@link BackwardDeps} did not
 * ask for may be null), and per input a gradient tensor with its {@link GradReq} (null tensor
 * where the request is {@link GradReq#NULL}).
 *
 * @param outGrad gradients of the outputs, one per output
 * @param in forward inputs
 * @param out forward outputs, hidden ones included
 * @param inGrad gradient tensors of the inputs
 * @param req how to store each input gradient
 */
public record BackwardArgs(
    TensorView[] outGrad, TensorView[] in, TensorView[] out, TensorView[] inGrad, GradReq[] req) {

  /** Checks that every requested gradient has a tensor. */
  public BackwardArgs {
    if (inGrad.length != req.length || in.length != req.length) {
      throw new IllegalArgumentException(in.length + " inputs, " + inGrad.length
          + " input gradients and " + req.length + " requests");
    }
    for (int i = 0; i < req.length; i++) {
      if (req[i] != GradReq.NULL && inGrad[i] == null) {
        throw new IllegalArgumentException("input " + i + " has req " + req[i] + " but no tensor");
      }
    }
  }

  /** True if input {@code i}'s gradient is wanted. */
  public boolean wants(int i) {
    return req[i] != GradReq.NULL;
  }

  /** True if input {@code i}'s gradient is accumulated into rather than overwritten. */
  public boolean adds(int i) {
    return req[i] == GradReq.ADD;
  }

  /**
   * Zeroes input {@code i}'s (float32) gradient where it is wanted and its request writes rather
   * than adds: a zero gradient, or the start of a kernel that scatters additions into it.
   */
  public void zeroUnlessAdding(int i) {
    if (wants(i) && !adds(i)) {
      FloatKernels.zero(inGrad[i].floats(), inGrad[i].size());
    }
  }
}
