package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.storage.Storage;
import org.kindling.tensor.storage.StorageLimitException;

class MemoryLimitTest {

  @Test
  void parsesSparkSizes() {
    assertThat(MemoryLimit.parse("512m", MemoryLimit.KEY)).isEqualTo(512L << 20);
    assertThat(MemoryLimit.parse("2g", MemoryLimit.KEY)).isEqualTo(2L << 30);
    assertThat(MemoryLimit.parse("64kb", MemoryLimit.KEY)).isEqualTo(64L << 10);
    assertThat(MemoryLimit.parse("1048576", MemoryLimit.KEY)).isEqualTo(1L << 20);
  }

  @Test
  void refusesWhatIsNotAPositiveSizeNamingTheSetting() {
    for (String bad : new String[] {"0", "-1", "2x", "", "g"}) {
      assertThatThrownBy(() -> MemoryLimit.parse(bad, "--memory-limit"))
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("--memory-limit=" + bad + " is not a positive size such as 512m or 2g");
    }
  }

  @Test
  void theConfKeyCapsThePoolAndTheErrorSaysHowToRaiseIt() {
    Storage pool = new Storage(1L << 30);
    MemoryLimit.apply(new SparkConf(false).set(MemoryLimit.KEY, "1m"), pool);
    assertThat(pool.limit()).isEqualTo(1L << 20);
    pool.acquire(512 << 10).release();
    assertThatThrownBy(() -> pool.acquire(2 << 20))
        .isInstanceOf(StorageLimitException.class)
        .hasMessageContaining("cap of 1.0 MiB")
        .hasMessageContaining("raise it with spark.kindling.memory.limit=SIZE");
  }

  @Test
  void withoutTheKeyThePoolGoesBackToTheJvmDefault() {
    Storage pool = new Storage(1L << 20);
    MemoryLimit.apply(new SparkConf(false), pool);
    assertThat(pool.limit()).isEqualTo(Runtime.getRuntime().maxMemory());
  }
}
