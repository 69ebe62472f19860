package org.kindling.tensor.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

class HugePagesTest {
  private static final long MIB = 1L << 20;

  private static long address(Chunk c) {
    return new BytePointer(c.buffer()).address();
  }

  @Test
  void autoTakesHugePagesOnlyWhereTheKernelOffersThemAndOffAlwaysWins() {
    assertThat(HugePages.resolve(null, true, "madvise")).isSameAs(HugePages.ON);
    assertThat(HugePages.resolve("auto", true, "always")).isSameAs(HugePages.ON);
    assertThat(HugePages.resolve(" AUTO ", true, "madvise")).isSameAs(HugePages.ON);
    assertThat(HugePages.resolve("auto", true, "never")).isSameAs(HugePages.OFF);
    assertThat(HugePages.resolve("auto", true, null)).isSameAs(HugePages.OFF);
    assertThat(HugePages.resolve("auto", false, "madvise")).isSameAs(HugePages.OFF);
    assertThat(HugePages.resolve("off", true, "always")).isSameAs(HugePages.OFF);
    assertThat(HugePages.resolve("Off", true, "madvise")).isSameAs(HugePages.OFF);
    assertThatThrownBy(() -> HugePages.resolve("on", true, "madvise"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-Dkindling.storage.hugePages=on is not a huge page setting: use auto (the"
            + " default) or off");
  }

  @Test
  void readsTheSelectedModeOfTheSysfsLine() {
    assertThat(HugePages.selected("always [madvise] never\n")).isEqualTo("madvise");
    assertThat(HugePages.selected("[always] madvise never")).isEqualTo("always");
    assertThat(HugePages.selected("always madvise never")).isNull();
  }

  @Test
  void largeBlocksStartOnA2MibBoundaryAreAdvisedAndCountTheirPadding() throws IOException {
    Storage pool = new Storage(1L << 30, HugePages.ON);
    Chunk c = pool.acquire(3 * MIB);
    try {
      assertThat(c.bucket()).isEqualTo(4 * MIB);
      assertThat(c.buffer().capacity()).isEqualTo(4 * MIB);
      assertThat(address(c) % (2 * MIB)).isZero();
      assertThat(pool.stats().inUseBytes()).isEqualTo(4 * MIB);
      // the kernel marks an madvise(MADV_HUGEPAGE)d mapping with the "hg" flag
      assertThat(vmFlags(address(c))).contains("hg");
    } finally {
      c.release();
    }
    assertThat(pool.stats().inUseBytes()).isZero();
    assertThat(pool.stats().pooledBytes()).isEqualTo(4 * MIB);
    Chunk again = pool.acquire(4 * MIB);
    assertThat(again).isSameAs(c);
    assertThat(pool.stats().pooledBytes()).isZero();
    assertThat(pool.stats().inUseBytes()).isEqualTo(4 * MIB);
    again.release();
    pool.trim();
    assertThat(pool.stats().pooledBytes()).isZero();
  }

  /** Kept weights (decision 0057): outside the pool and the cap, huge pages as large blocks. */
  @Test
  void unpooledBuffersAreAlignedAdvisedAndOutsideThePool() throws IOException {
    Storage on = new Storage(MIB, HugePages.ON); // a cap below the buffer: not counted
    java.nio.ByteBuffer large = on.unpooled(3 * MIB + 4);
    long at = new org.bytedeco.javacpp.Pointer(large).address();
    assertThat(large.capacity()).isEqualTo(3 * MIB + 4);
    assertThat(large.order()).isEqualTo(java.nio.ByteOrder.nativeOrder());
    assertThat(at % (2 * MIB)).isZero();
    assertThat(vmFlags(at)).contains("hg");
    // zeroed, also in the huge pages dropped after the JVM zeroed them
    assertThat(large.getLong(0)).isZero();
    assertThat(large.getLong((int) (2 * MIB) + 8)).isZero();
    large.putFloat(0, 1.5f);
    assertThat(vmFlags(at)).contains("hg");
    assertThat(large.getFloat(0)).isEqualTo(1.5f);
    large.putFloat((int) (3 * MIB), 2.5f); // the last bytes are usable
    assertThat(large.getFloat((int) (3 * MIB))).isEqualTo(2.5f);
    assertThat(on.stats().inUseBytes()).isZero();
    java.nio.ByteBuffer small = on.unpooled(1000);
    assertThat(new org.bytedeco.javacpp.Pointer(small).address() % 64).isZero();
    Storage off = new Storage(1L << 30, HugePages.OFF);
    java.nio.ByteBuffer plain = off.unpooled(3 * MIB);
    assertThat(new org.bytedeco.javacpp.Pointer(plain).address() % 64).isZero();
    plain.put(3 * (int) MIB - 1, (byte) 7);
    assertThat(plain.get(3 * (int) MIB - 1)).isEqualTo((byte) 7);
  }

  @Test
  void smallBlocksAreUnchangedUnderHugePages() {
    Storage pool = new Storage(1L << 30, HugePages.ON);
    List<Chunk> held = new ArrayList<>();
    long expected = 0;
    for (long bytes : new long[] {1, 100, 4096, 1000_000, 2 * MIB - 1}) {
      Chunk c = pool.acquire(bytes);
      held.add(c);
      expected += c.bucket();
      assertThat(address(c) % 64).isZero();
      assertThat(c.bucket()).isLessThanOrEqualTo(2 * MIB);
    }
    // 2 MiB - 1 rounds up to the 2 MiB bucket, which is large (aligned); the cap counts buckets
    assertThat(pool.stats().inUseBytes()).isEqualTo(expected);
    held.forEach(Chunk::release);
  }

  @Test
  void offAllocatesLargeBlocksAsBeforeWithoutPadding() {
    Storage pool = new Storage(1L << 30, HugePages.resolve("off", true, "madvise"));
    Chunk c = pool.acquire(5 * MIB);
    assertThat(c.bucket()).isEqualTo(8 * MIB);
    assertThat(address(c) % 64).isZero();
    assertThat(pool.stats().inUseBytes()).isEqualTo(8 * MIB);
    assertThat(pool.hugePages()).isEqualTo("no huge pages");
    c.release();
  }

  @Test
  void theCapCountsUsableBytesNotTheAlignmentPadding() {
    // the padding malloc'ed around an aligned block is never touched, so never backed
    Storage fits = new Storage(4 * MIB, HugePages.ON);
    Chunk c = fits.acquire(4 * MIB);
    assertThat(address(c) % (2 * MIB)).isZero();
    assertThat(fits.stats().inUseBytes()).isEqualTo(4 * MIB);
    assertThatThrownBy(() -> fits.acquire(1)).isInstanceOf(StorageLimitException.class)
        .hasMessageContaining("with 4.0 MiB in use would pass the cap of 4.0 MiB");
    c.release();
    // an idle huge block is freed to make room for a request that needs its bytes
    Chunk small = fits.acquire(4 * MIB - 1 - 2 * MIB);
    assertThat(fits.stats().pooledBytes()).isZero();
    small.release();
  }

  @Test
  void contentsSurviveAcrossSizesAndReuse() {
    Random random = new Random(20261203);
    for (HugePages policy : new HugePages[] {HugePages.ON, HugePages.OFF}) {
      Storage pool = new Storage(1L << 30, policy);
      for (int round = 0; round < 6; round++) {
        long bytes = 1 + random.nextInt(40 << 20);
        Chunk c = pool.acquire(bytes);
        ByteBuffer b = c.buffer();
        long seed = random.nextLong();
        Random fill = new Random(seed);
        for (int i = 0; i + 8 <= b.capacity(); i += 8) {
          b.putLong(i, fill.nextLong());
        }
        Random check = new Random(seed);
        ByteBuffer view = c.buffer();
        for (int i = 0; i + 8 <= view.capacity(); i += 8) {
          long want = check.nextLong();
          if (view.getLong(i) != want) {
            throw new AssertionError(policy + ": byte " + i + " of a " + bytes
                + "-byte block changed");
          }
        }
        c.zero(0, c.bucket());
        assertThat(c.buffer().getLong((int) c.bucket() - 8)).isZero();
        c.release();
      }
      pool.trim();
    }
  }

  /** The VmFlags line of the mapping in /proc/self/smaps that holds {@code address}. */
  private static String vmFlags(long address) throws IOException {
    boolean inside = false;
    for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
      int dash = line.indexOf('-');
      int space = line.indexOf(' ');
      if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
        long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
        long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
        inside = Long.compareUnsigned(start, address) <= 0
            && Long.compareUnsigned(address, end) < 0;
      } else if (inside && line.startsWith("VmFlags:")) {
        return line;
      }
    }
    throw new AssertionError("no mapping holds 0x" + Long.toHexString(address));
  }
}
