package org.kindling.symbol.init;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * Fills parameters by MXNet's name rule ({@code mx.init.Initializer.__call__}): names ending in
 * {@code weight} get the initializer's own weight rule; {@code bias}, {@code beta},
 * {@code moving_mean}, {@code moving_inv_var}, {@code moving_avg}, {@code min} and
 * {@code max} get zeros; {@code gamma} and {@code moving_var} get ones. Any other name is an
 * error, as in MXNet.
 *
 * <p>Random initializers are seeded: each parameter draws from a {@link SplittableRandom}
 * derived from the initializer's seed and the parameter's name, so results do not depend on
 * the order parameters are visited.
 */
public abstract class Initializer {
  private final long seed;

  /** @param seed the seed for random rules */
  protected Initializer(long seed) {
    this.seed = seed;
  }

  /**
   * Initializes {@code array} (float32) according to {@code name}. The write goes through the
   * engine.
   *
   * @throws IllegalArgumentException if the name matches no rule
   */
  public final void init(String name, NDArray array) {
    float[] values = new float[array.shape().intSize()];
    if (name.endsWith("weight")) {
      initWeight(name, array.shape(), values, random(name));
    } else if (name.endsWith("gamma") || name.endsWith("moving_var")) {
      Arrays.fill(values, 1f);
    } else if (name.endsWith("bias") || name.endsWith("beta") || name.endsWith("moving_mean")
        || name.endsWith("moving_inv_var") || name.endsWith("moving_avg")
        || name.endsWith("min") || name.endsWith("max")) {
      // values are already zero
    } else {
      throw new IllegalArgumentException(
          "unknown initialization pattern for '" + name + "': names must end in weight, bias, "
              + "gamma, beta, moving_mean, moving_var, ... (as in MXNet)");
    }
    array.set(values);
  }

  /** A generator for parameter {@code name}, fixed by the seed and the name. */
  private SplittableRandom random(String name) {
    long h = 1125899906842597L;
    for (int i = 0; i < name.length(); i++) {
      h = 31 * h + name.charAt(i);
    }
    return new SplittableRandom(seed ^ (h * 0x9E3779B97F4A7C15L));
  }

  /**
   * Fills {@code out} (row-major, {@code shape}) for a weight.
   *
   * @throws IllegalArgumentException if the rule does not apply to the shape
   */
  protected abstract void initWeight(String name, Shape shape, float[] out, SplittableRandom rnd);
}
