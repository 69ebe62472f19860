package org.kindling.io.image;

/**
 * The order of the records of an {@link IndexedPartSource} in each pass: file order, Kindling's
 * shuffle, or MXNet's shuffle reproduced (decision 0068). Immutable.
 */
public final class PartOrder {
  enum Kind { FILE, KINDLING, MXNET }

  /** The entries in offset order, every pass (MXNet's {@code shuffle=False}). */
  public static final PartOrder FILE = new PartOrder(Kind.FILE, 0);

  final Kind kind;
  final long seed;

  private PartOrder(Kind kind, long seed) {
    this.kind = kind;
    this.seed = seed;
  }

  /**
   * A new order of the part's entries every pass drawn from {@code (seed, pass)} by Kindling's own
   * generator: uniform, and pass {@code p}'s order is computed without the passes before it, but
   * not MXNet's order.
   */
  public static PartOrder shuffled(long seed) {
    return new PartOrder(Kind.KINDLING, seed);
  }

  /**
   * MXNet 1.9.1's order for {@code ImageRecordIter(path_imgrec, path_imgidx, shuffle=True,
   * seed=seed, num_parts, part_index)}, record for record in every epoch: the first pass is
   * MXNet's first epoch, each {@link IndexedPartSource#reset()} the next epoch
   * ({@link org.kindling.io.split.MxnetShuffle}). Pass {@code p}'s order replays the {@code p}
   * shuffles before it.
   *
   * @param seed MXNet's {@code seed} parameter (a C {@code int})
   */
  public static PartOrder mxnet(int seed) {
    return new PartOrder(Kind.MXNET, seed);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case FILE -> "file order";
      case KINDLING -> "shuffled, seed " + seed;
      case MXNET -> "MXNet's shuffle, seed " + seed;
    };
  }
}
