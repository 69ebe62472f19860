package org.kindling.tensor.op;

/**
 * A kernel that can add a second tensor to its output 0 inside its own forward call (oneDNN's
 * {@code sum} post-op; MXNet's MKL-DNN convolution {@code with_sum}): the executor runs a
 * residual {@code elemwise_add} of a convolution's output and another value, and the ReLU after
 * it, as one call of the convolution.
 */
public interface SumFusable {
  /**
   * A kernel whose forward takes this kernel's inputs followed by an addend of output 0's shape,
   * and writes {@code epilogue(this kernel's output 0 + addend)} (no epilogue if null) into
   * output 0; or null if this backend cannot fuse it. The output's buffer may be the addend's
   * (the executor plans it so where the addend is read last there); the kernel then adds in
   * place.
   */
  Kernel fuseSum(OpInstance<?> epilogue);
}
