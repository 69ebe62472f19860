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
}
