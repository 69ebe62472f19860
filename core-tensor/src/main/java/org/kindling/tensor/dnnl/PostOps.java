package org.kindling.tensor.dnnl;

/**
 * What a weighted layer's forward primitive does after the layer itself: add the destination's
 * prior contents ({@code sum}, a residual addend) and then apply a ReLU.
 */
record PostOps(boolean sum, boolean relu) {
  static final PostOps NONE = new PostOps(false, false);

  /** How the kernel is named in the log of implementations and the profile. */
  String suffix() {
    return (sum ? "+sum" : "") + (relu ? "+relu" : "");
  }
}
