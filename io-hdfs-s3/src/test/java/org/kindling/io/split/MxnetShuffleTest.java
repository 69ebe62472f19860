package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MxnetShuffle} against libstdc++'s {@code std::mt19937} and {@code std::shuffle}. The
 * expected values were printed by a C++ program built with GCC 12 (whose {@code std::shuffle}
 * draws two positions per number and whose {@code uniform_int_distribution} multiplies):
 *
 * <pre>
 * std::mt19937 rnd; rnd.seed(111 + (size_t) seed);
 * for (int pass = 0; pass &lt; 2; pass++) {
 *   std::vector&lt;size_t&gt; p(n); std::iota(p.begin(), p.end(), 0);
 *   std::shuffle(p.begin(), p.end(), rnd);
 *   unsigned long h = 0; for (size_t v : p) h = h * 1000003 + v;  // printed
 * }
 * </pre>
 *
 * MXNet 1.9.1's own build (one position per number, scaled by division) is checked against
 * MXNet itself by {@code IndexedListPartsMatchMxnetIT}; the variants share the generator, the
 * seeding and the one-per-number loop (taken beyond {@code n * n >= 2^32}, n = 70000 here),
 * which these cases pin down. MXNet's first order of 37 entries is checked here too, as the IT
 * saw it.
 */
class MxnetShuffleTest {
  @Test
  void theTwisterMatchesStdMt19937() {
    // the C++ standard's check: the 10000th output of a default-constructed mt19937 (seed 5489)
    Mt19937 g = new Mt19937(5489);
    for (int i = 0; i < 9999; i++) {
      g.next();
    }
    assertThat(g.next()).isEqualTo(4123659995L);
  }

  /** {seed, n, hash of pass 0, hash of pass 1}, from GCC 12's libstdc++. */
  private static final String[][] GCC12 = {
    {"0", "2", "1", "1000003"},
    {"0", "3", "2000013000021", "2000012000019"},
    {"0", "7", "11355003448359824981", "2220301108895637117"},
    {"0", "10", "16985286255747604685", "8819464185896821245"},
    {"0", "37", "7795483896350547034", "515095981018528772"},
    {"0", "1000", "2711219154297527368", "14023162001771815040"},
    {"0", "70000", "5917520733003526008", "17054986084821749710"},
    {"5", "3", "1000006000011", "2000013000021"},
    {"5", "100", "16096301372908946670", "4203591058491176012"},
    {"5", "70000", "8479241174835797088", "16661828808834118734"},
    {"-3", "10", "13077651251208789657", "1831146573887025151"},
    {"-3", "1000", "13896907670361902696", "3276722601203331326"},
  };

  @Test
  void passesMatchLibstdcxxShuffleWithTheRunningGenerator() {
    for (String[] c : GCC12) {
      int seed = Integer.parseInt(c[0]);
      int n = Integer.parseInt(c[1]);
      MxnetShuffle s = new MxnetShuffle(seed, true, MxnetShuffle.Uniform.MULTIPLY);
      for (int pass = 0; pass < 2; pass++) {
        int[] p = identity(n);
        s.shuffle(p);
        long h = 0;
        for (int v : p) {
          h = h * 1000003 + v;
        }
        assertThat(Long.toUnsignedString(h)).as("seed %d, n %d, pass %d", seed, n, pass)
            .isEqualTo(c[2 + pass]);
      }
    }
  }

  @Test
  void mxnetsFirstEpochOfThirtySevenEntries() {
    // ImageRecordIter(shuffle=True, seed=0), 37 entries in one part, as MXNet 1.9.1 read them
    int[] p = identity(37);
    MxnetShuffle.ofSeed(0).shuffle(p);
    assertThat(p).containsExactly(13, 11, 25, 2, 35, 30, 19, 26, 31, 14, 16, 4, 9, 34, 8, 33, 1,
        10, 29, 20, 15, 21, 12, 36, 18, 22, 0, 3, 27, 28, 23, 5, 6, 7, 24, 17, 32);
  }

  @Test
  void everyOrderIsAPermutationAndTheSeedDecidesIt() {
    SplittableRandom r = new SplittableRandom(68);
    for (int t = 0; t < 200; t++) {
      int n = r.nextInt(t < 190 ? 300 : 70_000);
      int seed = r.nextInt();
      for (MxnetShuffle.Uniform u : MxnetShuffle.Uniform.values()) {
        boolean pairs = u == MxnetShuffle.Uniform.MULTIPLY;
        MxnetShuffle a = new MxnetShuffle(seed, pairs, u);
        MxnetShuffle b = new MxnetShuffle(seed, pairs, u);
        for (int pass = 0; pass < 3; pass++) {
          int[] p = identity(n);
          a.shuffle(p);
          int[] q = identity(n);
          b.shuffle(q);
          assertThat(p).as("same seed, same pass").isEqualTo(q);
          int[] sorted = p.clone();
          Arrays.sort(sorted);
          assertThat(sorted).as("seed %d n %d pass %d %s", seed, n, pass, u)
              .isEqualTo(identity(n));
        }
      }
    }
  }

  @Test
  void theDividingVariantDrawsUniformPositions() {
    // first position of a 4-element shuffle, 40000 draws: each value about 10000
    MxnetShuffle s = MxnetShuffle.ofSeed(9);
    int[] counts = new int[4];
    for (int i = 0; i < 40_000; i++) {
      int[] p = identity(4);
      s.shuffle(p);
      counts[p[0]]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(9_500, 10_500);
    }
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }
}
