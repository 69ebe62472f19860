package org.kindling.io.split;

import java.util.SplittableRandom;

/** Seeded in-place permutations of record orders, shared by the shuffled part sources. */
public final class Permutations {
  private Permutations() {}

  /**
   * Fisher-Yates over {@code a[from, to)}: every order of that range equally likely, the same
   * order for the same generator state.
   */
  public static void shuffle(int[] a, int from, int to, SplittableRandom rnd) {
    for (int i = to - 1; i > from; i--) {
      int j = from + rnd.nextInt(i - from + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
