package org.kindling.tensor.op;

import java.nio.FloatBuffer;

/**
 * A kernel whose only gradient is its first input's (element-wise functions, pooling, padding):
 * {@link #backward} computes it, from the first output's gradient, when it is wanted.
 */
public interface DataGradientKernel extends Kernel {
  @Override
  default void backward(OpContext ctx, BackwardArgs a) {
    if (a.wants(0)) {
      dataGradient(ctx, a, a.outGrad()[0].floats(), a.inGrad()[0].floats());
    }
  }

  /**
   * Computes input 0's gradient {@code dx} (float32) from output 0's gradient {@code dy},
   * writing it or, where {@code a.adds(0)}, adding to it.
   */
  void dataGradient(OpContext ctx, BackwardArgs a, FloatBuffer dy, FloatBuffer dx);
}
