package org.kindling.tensor.op.optimizer;

/**
 * The scalar functions the update operators share, in float as MXNet's kernels compute them and
 * in double for the references: mshadow's {@code clip} and {@code sign}.
 */
final class UpdateMath {
  private UpdateMath() {}

  /**
   * mshadow's {@code clip::Map(x, bound)}: {@code bound} above it, {@code -bound} below
   * {@code -bound}, else {@code x} (NaN and -0 pass through unchanged).
   */
  static float clip(float x, float bound) {
    return Math.max(-bound, Math.min(bound, x));
  }

  /** The same in double, for the references. */
  static double clip(double x, double bound) {
    return Math.max(-bound, Math.min(bound, x));
  }

  /** MXNet's {@code clip(rescale_grad·grad, clip_gradient)}; a negative clip means none. */
  static float rescaledAndClipped(float grad, float rescale, float clip) {
    float g = rescale * grad;
    return clip >= 0f ? clip(g, clip) : g;
  }

  /** The same in double, for the references. */
  static double rescaledAndClipped(double grad, double rescale, double clip) {
    double g = rescale * grad;
    return clip >= 0 ? clip(g, clip) : g;
  }

  /**
   * mshadow's {@code sign} (and the kernels' {@code (x > 0) - (x < 0)}): 1, -1, or +0 for zeros
   * of either sign and for NaN, unlike {@link Math#signum}.
   */
  static float sign(float x) {
    return x > 0 ? 1f : x < 0 ? -1f : 0f;
  }

  /** The same in double, for the references. */
  static double sign(double x) {
    return x > 0 ? 1 : x < 0 ? -1 : 0;
  }
}
