package org.kindling.io.split;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.kindling.tensor.FormatException;

/**
 * Where each record of one part of a {@link RecordIOSplit} lies: the global offset of its head
 * and a global offset at or past its end, in file order. From the {@code .idx} files when one
 * sits next to every {@code .rec} (a record ends at most at the next indexed head of its file,
 * or the file's end), else from one header-only pass over the part that seeks over the payloads
 * ({@link RecordIOPartReader#skip()}). Either way the records are those a {@link
 * RecordIOPartReader} over the part returns: the ones whose head lies in the resynced range.
 *
 * @param heads global offset of each record's first part, ascending
 * @param ends global offset from which the record's bytes are surely over ({@code ends[i] >
 *     heads[i]}, never past its file's end)
 * @param fromIndex true if the offsets came from the {@code .idx} files
 * @param skipped the broken framing the header pass skipped (skipCorrupt), in file order
 */
record PartRecords(long[] heads, long[] ends, boolean fromIndex,
    List<FramingSkips.Range> skipped) {

  /** The records in the part. */
  int size() {
    return heads.length;
  }

  /**
   * The records of {@code range}, through the indexes if every file has one.
   *
   * @throws FormatException naming the {@code .idx} if an index is malformed, or the file and
   *     offset if a header met by the scan is corrupt
   */
  static PartRecords of(RecordIOSplit split, PartRange range) throws IOException {
    return of(split, range, false);
  }

  /**
   * The records of {@code range}; with {@code skipCorrupt} always by the header pass, which
   * skips broken framing (into {@link #skipped()}) as the part reader does, the index unused.
   */
  static PartRecords of(RecordIOSplit split, PartRange range, boolean skipCorrupt)
      throws IOException {
    if (range.isEmpty()) {
      return new PartRecords(new long[0], new long[0], false, List.of());
    }
    if (skipCorrupt) {
      // every range kept, not only the first hundred: each pass replays them
      return scan(split, range, new FramingSkips(Integer.MAX_VALUE));
    }
    List<long[]> offsets = new PartCounter(split, split.conf()).indexOffsets();
    return offsets == null ? scan(split, range, null) : fromIndex(split, range, offsets);
  }

  private static PartRecords fromIndex(RecordIOSplit split, PartRange range,
      List<long[]> offsets) {
    Longs heads = new Longs();
    Longs ends = new Longs();
    List<SplitFile> files = split.files();
    for (int i = 0; i < files.size(); i++) {
      SplitFile f = files.get(i);
      long from = Math.max(range.begin(), f.start()) - f.start();
      long to = Math.min(range.end(), f.end()) - f.start();
      if (from >= to) {
        continue;
      }
      long[] o = offsets.get(i);
      int first = PartCounter.lowerBound(o, from);
      int last = PartCounter.lowerBound(o, to);
      for (int j = first; j < last; j++) {
        heads.add(f.start() + o[j]);
        // the next indexed head of the file, which may lie past the part's end
        ends.add(f.start() + (j + 1 < o.length ? o[j + 1] : f.size()));
      }
    }
    return new PartRecords(heads.toArray(), ends.toArray(), true, List.of());
  }

  private static PartRecords scan(RecordIOSplit split, PartRange range, FramingSkips skips)
      throws IOException {
    Longs heads = new Longs();
    Longs ends = new Longs();
    try (RecordIOPartReader r = new RecordIOPartReader(split, range, split::readOptions, skips)) {
      while (r.skip()) {
        heads.add(r.lastSkippedHead());
        ends.add(r.lastSkippedEnd());
      }
    }
    return new PartRecords(heads.toArray(), ends.toArray(), false,
        skips == null ? List.of() : skips.ranges());
  }

  /** A growable list of longs (8 bytes per record, not a boxed object each). */
  private static final class Longs {
    private long[] a = new long[1024];
    private int n;

    void add(long v) {
      if (n == a.length) {
        if (a.length >= Integer.MAX_VALUE - 8) {
          throw new IllegalStateException("more than " + n + " records in one part");
        }
        a = Arrays.copyOf(a, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * a.length));
      }
      a[n++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
