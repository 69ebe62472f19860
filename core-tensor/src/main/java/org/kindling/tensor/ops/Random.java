package org.kindling.tensor.ops;

import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.Imperative;
import org.kindling.tensor.op.Randoms;
import org.kindling.tensor.op.random.NpiBernoulli;
import org.kindling.tensor.op.random.RandomNormal;
import org.kindling.tensor.op.random.RandomUniform;

/**
 * Random NDArrays, as MXNet's {@code mx.nd.random}. Every call draws its seed from
 * {@link Randoms} when it is made, so a program's numbers depend on {@link #seed} and the order
 * of its calls, never on engine thread timing.
 */
public final class Random {
  private Random() {}

  /** Restarts the sequence ({@code mx.random.seed}). */
  public static void seed(long seed) {
    Randoms.seed(seed);
  }

  /** Float32 values uniform in {@code [low, high)} of shape {@code shape}. */
  public static NDArray uniform(float low, float high, int... shape) {
    return Imperative.call(RandomUniform.OP, RandomUniform.Params.of(low, high, shape));
  }

  /** Float32 normal values with mean {@code loc} and standard deviation {@code scale}. */
  public static NDArray normal(float loc, float scale, int... shape) {
    return Imperative.call(RandomNormal.OP, RandomNormal.Params.of(loc, scale, shape));
  }

  /** Float32 values 1 with probability {@code p}, else 0. */
  public static NDArray bernoulli(float p, int... shape) {
    return Imperative.call(NpiBernoulli.OP, NpiBernoulli.Params.prob(p, shape));
  }
}
