package org.kindling.symbol.op;

import java.nio.FloatBuffer;
import org.kindling.tensor.Shape;

/**
 * What a forward kernel sees: input and output buffers (direct, native order, position 0) with
 * their shapes, and whether this is a training pass. Built once per node at bind time.
 */
public final class ForwardContext {
  private final FloatBuffer[] in;
  private final Shape[] inShapes;
  private final FloatBuffer[] out;
  private final Shape[] outShapes;
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
    this.in = in.clone();
    this.inShapes = inShapes.clone();
    this.out = out.clone();
    this.outShapes = outShapes.clone();
    this.train = train;
  }

  /** Input {@code i}. */
  public FloatBuffer in(int i) {
    return in[i];
  }

  /** Shape of input {@code i}. */
  public Shape inShape(int i) {
    return inShapes[i];
  }

  /** Output {@code i}. */
  public FloatBuffer out(int i) {
    return out[i];
  }

  /** Shape of output {@code i}. */
  public Shape outShape(int i) {
    return outShapes[i];
  }

  /** True for a training pass (e.g. Dropout masks), false for inference. */
  public boolean isTrain() {
    return train;
  }
}
