package org.kindling.kvstore;

import java.util.ArrayList;
import java.util.List;
import org.kindling.symbol.optimizer.StateSlices;
import org.kindling.symbol.optimizer.StateSlices.Slice;

/**
 * Which server shard owns which elements of a key: MXNet 1.9.1's rule ({@code
 * kvstore_dist.h EncodeDefaultKey}, docs/formats.md §5.3; decision 0033). A key of fewer than
 * {@code bigArrayBound} elements ({@code MXNET_KVSTORE_BIGARRAY_BOUND}, default 10^6) goes whole
 * to one shard, {@code (h * 9973) mod S} where {@code h} is the key name's {@link
 * String#hashCode()} (MXNet's int key; a name's hash is the same in every JVM, so workers and
 * servers agree without exchanging the init order); a bigger one is cut into S contiguous ranges,
 * shard {@code i} owning elements {@code [round(n / S * i), round(n / S * (i + 1)))} (double
 * arithmetic, as MXNet's; an empty range, when n < S, is left out).
 */
final class ShardLayout implements StateSlices.Slicer {
  private final int shards;
  private final long bigArrayBound;

  ShardLayout(int shards, long bigArrayBound) {
    if (shards < 1 || bigArrayBound < 1) {
      throw new IllegalArgumentException("a shard layout needs at least one shard and a bound of"
          + " at least 1, got " + shards + " and " + bigArrayBound);
    }
    this.shards = shards;
    this.bigArrayBound = bigArrayBound;
  }

  int shards() {
    return shards;
  }

  /** The owners of the elements of {@code key} (of {@code size} elements), in element order. */
  @Override
  public List<Slice> slices(String key, int size) {
    if (size < bigArrayBound || shards == 1) {
      return List.of(new Slice(Math.floorMod(key.hashCode() * 9973L, shards), 0, size));
    }
    List<Slice> out = new ArrayList<>(shards);
    double step = (double) size / shards;
    for (int i = 0; i < shards; i++) {
      int begin = (int) Math.round(step * i);
      int end = (int) Math.round(step * (i + 1));
      if (end > begin) {
        out.add(new Slice(i, begin, end));
      }
    }
    return List.copyOf(out);
  }
}
