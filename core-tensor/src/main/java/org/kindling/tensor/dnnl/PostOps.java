package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.global.dnnl.algorithm;

/**
 * What a weighted layer's forward primitive does after the layer itself: add the destination's
 * prior contents ({@code sum}, a residual addend) and then apply an element-wise function
 * ({@code eltwise}: relu, tanh or logistic, or null for none; {@link DnnlKernel#postOp}).
 */
record PostOps(boolean sum, algorithm eltwise) {
  static final PostOps NONE = new PostOps(false, null);

  /** The primitive's attributes: the caller's scratchpad and these post-ops. */
  org.bytedeco.dnnl.primitive_attr attr() {
    return DnnlKernel.userScratchpad(sum, eltwise);
  }

  /** How the kernel is named in the log of implementations and the profile. */
  String suffix() {
    return (sum ? "+sum" : "") + (eltwise == null ? "" : "+" + eltwise);
  }
}
