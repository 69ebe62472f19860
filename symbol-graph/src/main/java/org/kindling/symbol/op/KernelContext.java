package org.kindling.symbol.op;

import java.nio.FloatBuffer;
import org.kindling.tensor.Shape;

/**
 * What every kernel sees of its node: the buffers of the forward inputs and outputs (direct,
 * native order, position 0) with their shapes. Built once per node at bind time;
 * {@link ForwardContext} and {@link BackwardContext} add what their pass needs.
 */
public abstract sealed class KernelContext permits ForwardContext, BackwardContext {
  private final FloatBuffer[] in;
  private final Shape[] inShapes;
  private final FloatBuffer[] out;
  private final Shape[] outShapes;

  KernelContext(FloatBuffer[] in, Shape[] inShapes, FloatBuffer[] out, Shape[] outShapes) {
    this.in = in.clone();
    this.inShapes = inShapes.clone();
    this.out = out.clone();
    this.outShapes = outShapes.clone();
  }

  /** Forward input {@code i}. */
  public final FloatBuffer in(int i) {
    return in[i];
  }

  /** Shape of input {@code i} (in backward also the shape of its gradient). */
  public final Shape inShape(int i) {
    return inShapes[i];
  }

  /** Forward output {@code i} (each holds at least its shape's size). */
  public final FloatBuffer out(int i) {
    return out[i];
  }

  /** Shape of output {@code i}. */
  public final Shape outShape(int i) {
    return outShapes[i];
  }
}
