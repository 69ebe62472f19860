package org.kindling.symbol.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Checks of random draws against their distribution: the sample mean and variance must lie
 * within 5 standard errors of the formula's values (standard errors from the distribution's
 * moments, so a correct sampler fails with probability below 1e-6 per check).
 */
final class Draws {
  private Draws() {}

  /** Values uniform in {@code [-scale, scale]}: bounds, mean 0, variance scale²/3. */
  static void assertUniform(float[] v, double scale) {
    double n = v.length;
    double maxAbs = 0;
    for (float x : v) {
      maxAbs = Math.max(maxAbs, Math.abs(x));
    }
    assertThat(maxAbs).as("largest |value|").isLessThanOrEqualTo(scale);
    // with n draws the largest |value| is below (1 - 10/n)·scale with probability e^-10
    assertThat(maxAbs).as("largest |value|").isGreaterThan((1 - 10 / n) * scale);
    double var = scale * scale / 3;
    double fourth = Math.pow(scale, 4) / 5;
    assertMoments(v, var, fourth);
  }

  /** Values normal with mean 0 and standard deviation {@code sigma}. */
  static void assertGaussian(float[] v, double sigma) {
    double var = sigma * sigma;
    assertMoments(v, var, 3 * var * var);
  }

  private static void assertMoments(float[] v, double var, double fourth) {
    double n = v.length;
    double sum = 0;
    double sq = 0;
    for (float x : v) {
      sum += x;
      sq += (double) x * x;
    }
    double mean = sum / n;
    double sampleVar = sq / n - mean * mean;
    assertThat(mean).as("mean").isCloseTo(0, within(5 * Math.sqrt(var / n)));
    assertThat(sampleVar).as("variance")
        .isCloseTo(var, within(5 * Math.sqrt((fourth - var * var) / n)));
  }
}
