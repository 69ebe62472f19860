package org.kindling.symbol.op;

import java.nio.FloatBuffer;
import org.kindling.tensor.Shape;

/**
 * What a forward kernel sees: the node's input and output buffers with their shapes
 * ({@link KernelContext}), and whether this is a training pass. Built once per node at bind
 * time.
 */
public final class ForwardContext extends KernelContext {
  private final boolean train;

  /**
   * @param in input buffers
   * @param inShapes input shapes
   * @param out output buffers (each holds at least its shape's size)
   * @param outShapes output shapes
   * @param train true for a training pass
   */
  public ForwardContext(
      FloatBuffer[] in, Shape[] inShapes, FloatBuffer[] out, Shape[] outShapes, boolean train) {
    super(in, inShapes, out, outShapes);
    this.train = train;
  }

  /** True for a training pass (e.g. Dropout masks), false for inference. */
  public boolean isTrain() {
    return train;
  }
}
