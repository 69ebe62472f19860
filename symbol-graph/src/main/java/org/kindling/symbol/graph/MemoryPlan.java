package org.kindling.symbol.graph;

/**
 * Where every planned value of an {@link ExecGraph} lives, as computed by {@link MemoryPlanner}
 * (MXNet's {@code storage_id} and {@code storage_inplace_index}): a block per value, each block
 * as large as its largest user. Values sharing a block never have overlapping lifetimes, except
 * that an in-place output takes over its input's block at the step that last reads the input
 * (or, for reshape-like operators, shares data that is identical).
 */
public final class MemoryPlan {
  private final int[] block;
  private final boolean[] inPlace;
  private final long[] blockBytes;
  private final long naiveBytes;

  MemoryPlan(int[] block, boolean[] inPlace, long[] blockBytes, long naiveBytes) {
    this.block = block;
    this.inPlace = inPlace;
    this.blockBytes = blockBytes;
    this.naiveBytes = naiveBytes;
  }

  /** The block of value {@code v}, or -1 if it is not planned (external, or does not exist). */
  public int block(int v) {
    return block[v];
  }

  /** True if value {@code v} took its input's block in place. */
  public boolean inPlace(int v) {
    return inPlace[v];
  }

  /** Number of blocks. */
  public int numBlocks() {
    return blockBytes.length;
  }

  /** Bytes of block {@code b}: the largest value it holds. */
  public long blockBytes(int b) {
    return blockBytes[b];
  }

  /** Total bytes of all blocks. */
  public long totalBytes() {
    long t = 0;
    for (long b : blockBytes) {
      t += b;
    }
    return t;
  }

  /** True if some block holds more than one value. */
  public boolean sharesBlocks() {
    int planned = 0;
    for (int b : block) {
      planned += b >= 0 ? 1 : 0;
    }
    return planned > blockBytes.length;
  }

  /** Bytes without any sharing: the sum over planned values. */
  public long naiveBytes() {
    return naiveBytes;
  }
}
