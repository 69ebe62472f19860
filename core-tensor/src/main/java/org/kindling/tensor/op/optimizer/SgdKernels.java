package org.kindling.tensor.op.optimizer;

/** The arithmetic shared by the SGD update operators, in float as MXNet's kernels compute it. */
final class SgdKernels {
  private SgdKernels() {}

  /** MXNet's {@code clip(rescale_grad·grad, clip_gradient)}; a negative clip means none. */
  static float rescaledAndClipped(float grad, float rescale, float clip) {
    float g = rescale * grad;
    return clip >= 0f ? Math.max(-clip, Math.min(clip, g)) : g;
  }

  /** The same in double, for the references. */
  static double rescaledAndClipped(double grad, double rescale, double clip) {
    double g = rescale * grad;
    return clip >= 0 ? Math.max(-clip, Math.min(clip, g)) : g;
  }
}
