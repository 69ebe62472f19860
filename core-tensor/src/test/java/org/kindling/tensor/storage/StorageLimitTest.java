package org.kindling.tensor.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StorageLimitTest {

  @Test
  void theDefaultErrorNamesTheCapAndBothSettings() {
    Storage pool = new Storage(1 << 20);
    assertThatThrownBy(() -> pool.acquire(2 << 20))
        .isInstanceOf(StorageLimitException.class)
        .hasMessageContaining("a request of 2.0 MiB (bucket 2.0 MiB) with 0 B in use would pass"
            + " the cap of 1.0 MiB")
        .hasMessageContaining("-Dkindling.memory.limit=SIZE")
        .hasMessageContaining("spark.kindling.memory.limit");
  }

  @Test
  void setLimitChangesTheCapForLaterRequestsAndTheSettingTheErrorNames() {
    Storage pool = new Storage(1 << 20, HugePages.OFF);
    Chunk held = pool.acquire(512 << 10);
    pool.setLimit(4 << 20, "--memory-limit SIZE");
    assertThat(pool.limit()).isEqualTo(4 << 20);
    Chunk more = pool.acquire(2 << 20); // past the old cap, within the new one
    assertThatThrownBy(() -> pool.acquire(2 << 20))
        .isInstanceOf(StorageLimitException.class)
        .hasMessageContaining("with 2.5 MiB in use would pass the cap of 4.0 MiB")
        .hasMessageContaining("raise it with --memory-limit SIZE, or release");
    more.release();
    held.release();
  }

  @Test
  void loweringTheCapFreesTheIdlePoolThatNoLongerFits() {
    Storage pool = new Storage(8 << 20, HugePages.OFF);
    pool.acquire(2 << 20).release();
    assertThat(pool.stats().pooledBytes()).isEqualTo(2 << 20);
    pool.setLimit(1 << 20, "X=SIZE");
    assertThat(pool.stats().pooledBytes()).isZero();
    assertThatThrownBy(() -> pool.setLimit(0, "X=SIZE"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
  }

  @Test
  void resetLimitGoesBackToTheJvmDefault() {
    Storage pool = new Storage(1 << 20);
    pool.setLimit(2 << 20, "X=SIZE");
    pool.resetLimit();
    assertThat(pool.limit()).isEqualTo(Storage.configuredLimit());
  }

  @Test
  void anArrayAboveTheLargestBufferIsRefusedNamingItsSizeNotOverflowingAnInt() {
    Storage pool = new Storage(1L << 40, HugePages.OFF); // a cap far above: the size decides
    long conv1At256 = 256L * 64 * 224 * 224 * 4; // VGG-16's first output at batch 256
    assertThatThrownBy(() -> pool.acquire(conv1At256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an array of 3288334336 bytes (3.1 GiB)")
        .hasMessageContaining("at most " + Storage.MAX_ARRAY_BYTES + " bytes (2.0 GiB");
    assertThatThrownBy(() -> pool.acquire(Storage.MAX_ARRAY_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(pool.stats().inUseBytes()).as("nothing was allocated").isZero();
    // the largest array's bucket, with a huge page of alignment, is still one ByteBuffer
    assertThat(Storage.bucketFor(Storage.MAX_ARRAY_BYTES) + HugePages.SIZE)
        .isLessThanOrEqualTo(Integer.MAX_VALUE);
    assertThat(Storage.bucketFor(Storage.MAX_ARRAY_BYTES + 1) + HugePages.SIZE)
        .isGreaterThan(Integer.MAX_VALUE);
  }
}
