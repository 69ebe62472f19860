package org.kindling.io.image;

import java.io.IOException;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.io.split.FramingSkips;
import org.kindling.io.split.IndexedPartReader;
import org.kindling.io.split.IndexedSplit;
import org.kindling.io.split.MxnetShuffle;
import org.kindling.io.split.Permutations;

/**
 * One part of a RecordIO data set partitioned by its index, as dmlc's {@code
 * IndexedRecordIOSplitter} (MXNet's {@code ImageRecordIter} with {@code path_imgidx}): the index
 * entries sorted by offset, part {@code k} of {@code n} holding entries {@code [k * step, min((k +
 * 1) * step, total))} with {@code step = ceil(total / n)} ({@link IndexedSplit}, which also says
 * how several {@code .rec} files and their indexes combine). The entries come in the {@link
 * PartOrder} asked for: file order, Kindling's shuffle drawn from {@code (seed, pass)}, or MXNet's
 * own shuffled order ({@link PartOrder#mxnet}); a shuffled order changes at every {@link
 * #reset()}. With {@link FramingSkips}, an entry whose framing is broken is skipped and recorded
 * instead of failing ({@link IndexedSplit#openPart(int, int, FramingSkips)}). Not thread-safe.
 */
public final class IndexedPartSource implements RecordSource {
  private final IndexedPartReader reader;
  private final PartOrder partOrder;
  private final MxnetShuffle mxnet;
  private final int[] order;
  private long pass;

  private IndexedPartSource(IndexedPartReader reader, PartOrder partOrder) throws IOException {
    this.reader = reader;
    this.partOrder = partOrder;
    this.mxnet = partOrder.kind == PartOrder.Kind.MXNET
        ? MxnetShuffle.ofSeed((int) partOrder.seed) : null;
    this.order = new int[reader.size()];
    arrange();
  }

  /**
   * Opens part {@code part} of {@code numParts} of {@code rec} through {@code idx}.
   *
   * @param shuffle MXNet's {@code shuffle}: a new order of the part's records every pass
   * @param seed MXNet's {@code seed} for the shuffle
   * @throws org.kindling.tensor.FormatException if the index is malformed or points outside
   *     {@code rec}
   * @throws IllegalArgumentException if the part is not in {@code [0, numParts)}
   */
  public static IndexedPartSource open(Path rec, Path idx, Configuration conf, int part,
      int numParts, boolean shuffle, long seed) throws IOException {
    return open(rec.toString(), idx.toString(), conf, part, numParts, shuffle, seed);
  }

  /**
   * Opens part {@code part} of {@code numParts} of the data set {@code recUri} (MXNet's {@code
   * path_imgrec}: a path, or several separated by {@code ;}) through {@code idxUri} (MXNet's
   * {@code path_imgidx}: one index for the whole list, or one per {@code .rec} entry; {@link
   * IndexedSplit#open}).
   *
   * @throws org.kindling.tensor.FormatException if an index is malformed or points outside its
   *     file
   * @throws IllegalArgumentException if the part is not in {@code [0, numParts)}, or the indexes
   *     do not pair with the {@code .rec} entries
   */
  public static IndexedPartSource open(String recUri, String idxUri, Configuration conf,
      int part, int numParts, boolean shuffle, long seed) throws IOException {
    return open(recUri, idxUri, conf, part, numParts,
        shuffle ? PartOrder.shuffled(seed) : PartOrder.FILE, null);
  }

  /**
   * Opens part {@code part} of {@code numParts} of the data set {@code recUri} through {@code
   * idxUri} ({@link #open(String, String, Configuration, int, int, boolean, long)}), its entries
   * in {@code order}, skipping broken framing into {@code skips} when it is given.
   *
   * @param order the order of every pass; {@link PartOrder#mxnet} for MXNet's
   * @param skips null to fail on broken framing (naming the {@code .rec}, the offset and the
   *     index), or where each skipped entry is recorded, once per pass
   */
  public static IndexedPartSource open(String recUri, String idxUri, Configuration conf,
      int part, int numParts, PartOrder order, FramingSkips skips) throws IOException {
    IndexedSplit split = IndexedSplit.open(recUri, idxUri, conf);
    return new IndexedPartSource(split.openPart(part, numParts, skips),
        Objects.requireNonNull(order, "order"));
  }

  /** Index entries in this part: its records, when the index lists every record. */
  public int size() {
    return order.length;
  }

  private void arrange() throws IOException {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    switch (partOrder.kind) {
      case KINDLING -> Permutations.shuffle(order, 0, order.length,
          new SplittableRandom(partOrder.seed * 0x9E3779B97F4A7C15L + pass));
      case MXNET -> mxnet.shuffle(order);
      case FILE -> { }
    }
    reader.order(order);
  }

  @Override
  public LocatedRecord next() throws IOException {
    return reader.next();
  }

  /**
   * Starts the next pass, in a new order when shuffling (with MXNet's order: the next epoch's,
   * as MXNet's {@code reset()} of the iterator).
   */
  @Override
  public void reset() throws IOException {
    pass++;
    arrange();
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
