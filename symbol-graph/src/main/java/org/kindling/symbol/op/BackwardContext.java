package org.kindling.symbol.op;

import java.nio.FloatBuffer;
import org.kindling.symbol.GradReq;
import org.kindling.tensor.Shape;

/**
 * What a backward kernel sees: output gradients (null where the operator does not read them),
 * the forward inputs and outputs ({@link KernelContext}), and per input a gradient buffer with
 * its {@link GradReq} ({@code null} buffer when the request is {@link GradReq#NULL}). Built
 * once per node at bind time.
 */
public final class BackwardContext extends KernelContext {
  private final FloatBuffer[] outGrad;
  private final FloatBuffer[] inGrad;
  private final GradReq[] req;

  /**
   * @param outGrad gradients of the outputs (entries may be null if unused)
   * @param in forward inputs
   * @param inShapes input shapes (also the shapes of the input gradients)
   * @param out forward outputs
   * @param outShapes output shapes
   * @param inGrad gradient buffers of the inputs (null where {@code req} is NULL)
   * @param req how to store each input gradient
   */
  public BackwardContext(
      FloatBuffer[] outGrad,
      FloatBuffer[] in,
      Shape[] inShapes,
      FloatBuffer[] out,
      Shape[] outShapes,
      FloatBuffer[] inGrad,
      GradReq[] req) {
    super(in, inShapes, out, outShapes);
    this.outGrad = outGrad.clone();
    this.inGrad = inGrad.clone();
    this.req = req.clone();
    for (int i = 0; i < req.length; i++) {
      if (req[i] != GradReq.NULL && inGrad[i] == null) {
        throw new IllegalArgumentException("input " + i + " has req " + req[i] + " but no buffer");
      }
    }
  }

  /** Gradient of output {@code i} (null if the operator declared it does not need it). */
  public FloatBuffer outGrad(int i) {
    return outGrad[i];
  }

  /** Gradient buffer of input {@code i}, or null if its request is NULL. */
  public FloatBuffer inGrad(int i) {
    return inGrad[i];
  }

  /** How to store input {@code i}'s gradient. */
  public GradReq req(int i) {
    return req[i];
  }

  /** True if input {@code i}'s gradient is wanted. */
  public boolean wants(int i) {
    return req[i] != GradReq.NULL;
  }

  /** True if input {@code i}'s gradient is accumulated rather than overwritten. */
  public boolean adds(int i) {
    return req[i] == GradReq.ADD;
  }
}
