package org.kindling.io.split;

/**
 * The 32-bit Mersenne Twister of C++'s {@code std::mt19937} (Matsumoto and Nishimura), output for
 * output: the same seed gives the same numbers as libstdc++'s, which dmlc-core's shuffled splitters
 * draw from. Not thread-safe.
 */
final class Mt19937 {
  private static final int N = 624;
  private static final int M = 397;
  private final int[] mt = new int[N];
  private int index;

  /** {@code std::mt19937(seed)}: the seed is taken modulo 2^32, as the C++ engine does. */
  Mt19937(long seed) {
    mt[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
    index = N;
  }

  /** The next output, in {@code [0, 2^32)}. */
  long next() {
    if (index >= N) {
      twist();
    }
    int y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xFFFFFFFFL;
  }

  private void twist() {
    for (int i = 0; i < N; i++) {
      int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
    }
    index = 0;
  }
}
