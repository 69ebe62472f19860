package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.optimizer.StateSlices.Slice;

/** MXNet 1.9.1's split rule ({@code kvstore_dist.h EncodeDefaultKey}), on chosen sizes. */
class ShardLayoutTest {

  @Test
  void aKeyBelowTheBoundGoesWholeToTheShardOfItsHashTimes9973() {
    ShardLayout layout = new ShardLayout(4, 1_000_000);
    String key = "fc1_weight";
    int shard = Math.floorMod(key.hashCode() * 9973L, 4);
    assertThat(layout.slices(key, 999_999)).containsExactly(new Slice(shard, 0, 999_999));
  }

  @Test
  void aKeyExactlyAtTheBoundIsSplitInEqualRanges() {
    assertThat(new ShardLayout(4, 1_000_000).slices("w", 1_000_000)).containsExactly(
        new Slice(0, 0, 250_000), new Slice(1, 250_000, 500_000),
        new Slice(2, 500_000, 750_000), new Slice(3, 750_000, 1_000_000));
  }

  @Test
  void rangesOfASizeTheShardsDoNotDivideAreRoundedAsMxnetRoundsThem() {
    // round(10/3 * i): 0, 3.33 -> 3, 6.67 -> 7, 10
    assertThat(new ShardLayout(3, 5).slices("w", 10)).containsExactly(
        new Slice(0, 0, 3), new Slice(1, 3, 7), new Slice(2, 7, 10));
    // round(1000001/4 * i): 0, 250000.25 -> 250000, 500000.5 -> 500001, 750000.75 -> 750001
    assertThat(new ShardLayout(4, 1_000_000).slices("w", 1_000_001)).containsExactly(
        new Slice(0, 0, 250_000), new Slice(1, 250_000, 500_001),
        new Slice(2, 500_001, 750_001), new Slice(3, 750_001, 1_000_001));
  }

  @Test
  void emptyRangesOfAKeySmallerThanTheShardCountAreLeftOut() {
    // round(0.5 * i): 0, 1 (0.5 rounds up), 1, 2, 2
    List<Slice> slices = new ShardLayout(4, 1).slices("w", 2);
    assertThat(slices).containsExactly(new Slice(0, 0, 1), new Slice(2, 1, 2));
  }

  @Test
  void oneShardHoldsEveryKeyWhole() {
    assertThat(new ShardLayout(1, 1).slices("w", 5_000_000))
        .containsExactly(new Slice(0, 0, 5_000_000));
  }
}
