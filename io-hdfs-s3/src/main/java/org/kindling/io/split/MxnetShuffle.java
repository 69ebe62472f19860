package org.kindling.io.split;

/**
 * The order in which MXNet 1.9.1 reads a shuffled index-based part ({@code ImageRecordIter(...,
 * path_imgidx, shuffle=True, seed)}), reproduced record for record (decision 0068). dmlc-core's
 * {@code IndexedRecordIOSplitter} seeds a {@code std::mt19937} with {@code 111 + seed} once, when
 * the iterator is made, and at the start of every pass ({@code BeforeFirst}: the first when the
 * iterator is made, then one per epoch) shuffles the part's entries {@code [0, E)} afresh with
 * {@code std::shuffle} from the same, running generator. {@code std::shuffle} and {@code
 * std::uniform_int_distribution} are templates compiled into {@code libmxnet.so}, so the order is
 * the libstdc++ algorithm of the compiler MXNet was built with: for MXNet 1.9.1's wheel (checked
 * against it) the classic Fisher-Yates from the front, one number per swap ({@code swap(a[i],
 * a[uniform(0, i)])} for {@code i = 1 .. E-1}), each number scaled down by rejection and
 * division. Newer libstdc++ draws two swap positions from one number when {@code E * E} fits the
 * generator's range (and from GCC 11 scales by multiplying), which gives other orders; those
 * variants are kept for the test that pins the generator against a local compiler. Not
 * thread-safe.
 */
public final class MxnetShuffle {
  /** dmlc's {@code kRandMagic}, added to the seed. */
  static final int RAND_MAGIC = 111;
  private static final long URNG_RANGE = 0xFFFFFFFFL;

  /** How {@code uniform_int_distribution} scales a 32-bit number down to a range. */
  enum Uniform {
    /** libstdc++ up to GCC 10: reject above a multiple of the range, then divide. */
    DIVIDE,
    /** libstdc++ from GCC 11: Lemire's multiply-and-shift with rejection. */
    MULTIPLY
  }

  private final Mt19937 rnd;
  private final boolean pairs;
  private final Uniform uniform;

  /**
   * @param pairs whether two swap positions come from one number when {@code n * n} fits
   *     (libstdc++ of newer compilers than MXNet's)
   */
  MxnetShuffle(long seed, boolean pairs, Uniform uniform) {
    this.rnd = new Mt19937(RAND_MAGIC + seed);
    this.pairs = pairs;
    this.uniform = uniform;
  }

  /**
   * The generator of a part read with MXNet's {@code seed} (the {@code ImageRecordIter} parameter,
   * an {@code int} in MXNet): its first {@link #shuffle} is the order of the first epoch, each
   * further one the order of the next epoch.
   */
  public static MxnetShuffle ofSeed(int seed) {
    return new MxnetShuffle(seed, false, Uniform.DIVIDE);
  }

  /**
   * Permutes {@code a} in place as MXNet's {@code std::shuffle(a.begin(), a.end(), rnd_)}
   * does, advancing the generator by the numbers it draws.
   *
   * @throws IllegalArgumentException beyond 2^32 elements (not reachable with a Java array)
   */
  public void shuffle(int[] a) {
    int n = a.length;
    if (n == 0) {
      return;
    }
    long urange = n;
    if (pairs && URNG_RANGE / urange >= urange) {
      int i = 1;
      // an even count leaves an odd number of swaps: the first one alone
      if (n % 2 == 0) {
        swap(a, i++, (int) uniform(1));
      }
      while (i != n) {
        long swapRange = i + 1L;
        long x = uniform(swapRange * (swapRange + 1) - 1);
        swap(a, i++, (int) (x / (swapRange + 1)));
        swap(a, i++, (int) (x % (swapRange + 1)));
      }
      return;
    }
    for (int i = 1; i < n; i++) {
      swap(a, i, (int) uniform(i));
    }
  }

  /** {@code uniform_int_distribution<unsigned long>{0, urange}(rnd)} for {@code urange < 2^32}. */
  private long uniform(long urange) {
    if (urange == URNG_RANGE) {
      return rnd.next();
    }
    long uerange = urange + 1;
    if (uniform == Uniform.DIVIDE) {
      long scaling = URNG_RANGE / uerange;
      long past = uerange * scaling;
      long ret;
      do {
        ret = rnd.next();
      } while (ret >= past);
      return ret / scaling;
    }
    // 32 x 32 -> 64-bit product; the low half decides rejection
    long product = rnd.next() * uerange;
    long low = product & 0xFFFFFFFFL;
    if (low < uerange) {
      long threshold = ((1L << 32) - uerange) % uerange;
      while (low < threshold) {
        product = rnd.next() * uerange;
        low = product & 0xFFFFFFFFL;
      }
    }
    return product >>> 32;
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
