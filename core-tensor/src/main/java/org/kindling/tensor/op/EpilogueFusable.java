package org.kindling.tensor.op;

/**
 * A kernel that can compute an element-wise epilogue inside its own forward call (oneDNN's
 * post-ops: convolution + bias + ReLU in one pass over the output). The executor's fusion pass
 * (an {@code Activation} after a {@code Convolution} or {@code FullyConnected}) asks the layer's
 * kernel for such a kernel, and runs the two kernels one after the other where it gets none.
 */
public interface EpilogueFusable {
  /**
   * A kernel whose forward writes {@code epilogue}'s result of this kernel's output 0 (same
   * shape, in the same buffer), and whose backward is this kernel's; or null if this backend
   * cannot fuse that epilogue.
   */
  Kernel fuse(OpInstance<?> epilogue);
}
