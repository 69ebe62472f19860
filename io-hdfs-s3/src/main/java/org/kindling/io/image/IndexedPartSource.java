package org.kindling.io.image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.io.recordio.IndexedRecordIOReader;
import org.kindling.io.recordio.RecordIndex;

/**
 * One part of a {@code .rec} partitioned by its {@code .idx}, as dmlc's {@code
 * IndexedRecordIOSplitter} (MXNet's {@code ImageRecordIter} with {@code path_imgidx}): the index
 * entries sorted by offset, part {@code k} of {@code n} holding entries {@code [k * step, min((k +
 * 1) * step, total))} with {@code step = ceil(total / n)}. With shuffling, the part's records come
 * in an order drawn from {@code (seed, pass)}, a new one at every {@link #reset()}; without, in
 * file order. Each record is read by seeking to its indexed offset. Not thread-safe.
 */
public final class IndexedPartSource implements RecordSource {
  private final IndexedRecordIOReader reader;
  private final String file;
  private final List<RecordIndex.Entry> entries;
  private final boolean shuffle;
  private final long seed;
  private final int[] order;
  private long pass;
  private int next;

  private IndexedPartSource(IndexedRecordIOReader reader, String file,
      List<RecordIndex.Entry> entries, boolean shuffle, long seed) {
    this.reader = reader;
    this.file = file;
    this.entries = entries;
    this.shuffle = shuffle;
    this.seed = seed;
    this.order = new int[entries.size()];
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
    if (numParts < 1 || part < 0 || part >= numParts) {
      throw new IllegalArgumentException("part_index " + part + " must be in [0, num_parts "
          + numParts + ")");
    }
    IndexedRecordIOReader reader = IndexedRecordIOReader.open(idx, rec, conf);
    List<RecordIndex.Entry> all = new ArrayList<>(reader.index().entries());
    all.sort(Comparator.comparingLong(RecordIndex.Entry::offset));
    int total = all.size();
    long step = ((long) total + numParts - 1) / numParts;
    int begin = (int) Math.min(total, part * step);
    int end = (int) Math.min(total, (part + 1) * step);
    return new IndexedPartSource(reader, rec.toString(), List.copyOf(all.subList(begin, end)),
        shuffle, seed);
  }

  /** Records in this part. */
  public int size() {
    return entries.size();
  }

  private void arrange() {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + pass);
      for (int i = order.length - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    next = 0;
  }

  @Override
  public LocatedRecord next() throws IOException {
    if (next >= order.length) {
      return null;
    }
    RecordIndex.Entry e = entries.get(order[next++]);
    byte[] payload = reader.read(e.key());
    return new LocatedRecord(payload, file, e.offset(), e.offset());
  }

  /** Starts the next pass, in a new order when shuffling. */
  @Override
  public void reset() {
    pass++;
    arrange();
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
