package org.kindling.tensor.op;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Seeds for random operators, as MXNet's {@code mx.random.seed}: one process-wide seed from which
 * every random call draws its own generator, in the order the calls are made (pushed), so that a
 * program's random numbers depend on its seed and its order of calls, never on which engine
 * thread runs first.
 */
public final class Randoms {
  private static final AtomicLong STATE = new AtomicLong(0x5DEECE66DL);

  private Randoms() {}

  /** Restarts the sequence of seeds from {@code seed} (MXNet's {@code mx.random.seed(seed)}). */
  public static void seed(long seed) {
    STATE.set(seed);
  }

  /** The seed of the next random call; advances the process-wide sequence. */
  public static long nextSeed() {
    return mix(STATE.getAndAdd(0x9E3779B97F4A7C15L));
  }

  /** A generator for one call. */
  public static RandomGenerator generator(long seed) {
    return new SplittableRandom(seed);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
