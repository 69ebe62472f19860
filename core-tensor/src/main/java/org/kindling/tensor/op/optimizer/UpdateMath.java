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

  /** {@code clip(x, bound)}, or {@code x} when {@code bound} is negative (no clipping). */
  static float clipIf(float x, float bound) {
    return bound >= 0f ? clip(x, bound) : x;
  }

  /** The same in double, for the references. */
  static double clipIf(double x, double bound) {
    return bound >= 0 ? clip(x, bound) : x;
  }

  /** MXNet's {@code clip(rescale_grad·grad, clip_gradient)}; a negative clip means none. */
  static float rescaledAndClipped(float grad, float rescale, float clip) {
    return clipIf(rescale * grad, clip);
  }

  /** The same in double, for the references. */
  static double rescaledAndClipped(double grad, double rescale, double clip) {
    return clipIf(rescale * grad, clip);
  }

  /**
   * MXNet's {@code clip(rescale_grad·grad + wd·weight, clip_gradient)} (RMSProp, FTML); a
   * negative clip means none.
   */
  static float decayedAndClipped(float grad, float weight, float rescale, float wd, float clip) {
    return clipIf(rescale * grad + wd * weight, clip);
  }

  /** The same in double, for the references. */
  static double decayedAndClipped(double grad, double weight, double rescale, double wd,
      double clip) {
    return clipIf(rescale * grad + wd * weight, clip);
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
