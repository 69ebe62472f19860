package org.kindling.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small building blocks for {@link SeededProperty.Generator}s. */
public final class Gen {
  private Gen() {}

  /** Random bytes, length uniform in {@code [minLength, maxLength]}. */
  public static byte[] bytes(Random random, int minLength, int maxLength) {
    byte[] b = new byte[random.nextInt(minLength, maxLength + 1)];
    random.nextBytes(b);
    return b;
  }

  /** A list of {@code [minSize, maxSize]} elements drawn by {@code element}. */
  public static <T> List<T> listOf(Random random, int minSize, int maxSize,
      SeededProperty.Generator<T> element) {
    int n = random.nextInt(minSize, maxSize + 1);
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(element.generate(random));
    }
    return out;
  }

  /**
   * An index chosen with the given relative weights: {@code weighted(r, 6, 2, 1)} returns 0 six
   * times out of nine.
   */
  public static int weighted(Random random, int... weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int x = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    throw new AssertionError("unreachable");
  }

  /** An int that is often an edge value: 0, +-1, the smallest and the largest int. */
  public static int anyInt(Random random) {
    switch (random.nextInt(10)) {
      case 0: return 0;
      case 1: return random.nextBoolean() ? 1 : -1;
      case 2: return Integer.MIN_VALUE;
      case 3: return Integer.MAX_VALUE;
      case 4: return random.nextInt(-1000, 1001);
      default: return random.nextInt();
    }
  }

  /** Ints drawn by {@link #anyInt}, length uniform in {@code [minLength, maxLength]}. */
  public static int[] anyInts(Random random, int minLength, int maxLength) {
    int[] v = new int[random.nextInt(minLength, maxLength + 1)];
    for (int i = 0; i < v.length; i++) {
      v[i] = anyInt(random);
    }
    return v;
  }

  /**
   * A float that is usually ordinary but often an edge value: 0, -0, +-1, NaN, +-Inf, the
   * smallest subnormal, the largest finite value.
   */
  public static float anyFloat(Random random) {
    switch (random.nextInt(12)) {
      case 0: return 0f;
      case 1: return -0f;
      case 2: return Float.NaN;
      case 3: return random.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
      case 4: return random.nextBoolean() ? Float.MIN_VALUE : -Float.MIN_VALUE;
      case 5: return random.nextBoolean() ? Float.MAX_VALUE : -Float.MAX_VALUE;
      case 6: return Float.intBitsToFloat(random.nextInt());
      default: return (float) ((random.nextDouble() * 2 - 1) * Math.pow(10, random.nextInt(-8, 9)));
    }
  }
}
