package org.kindling.io.split;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.io.recordio.RecordIndex;
import org.kindling.io.source.ByteSource;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.StoreEntry;
import org.kindling.tensor.FormatException;

/**
 * Counts the records of one part of a {@link RecordIOSplit} without reading their payloads twice:
 * from the {@code .idx} files when one sits next to every {@code .rec} ({@code a.rec} ->
 * {@code a.idx}), else by a header-only scan of the part's byte range that skips every payload
 * ({@link RecordIOReader#skip()}). Both give the number of records a {@link RecordIOPartReader}
 * over the same part returns: those whose first part starts in the part's resynced range.
 *
 * <p>An index is checked before it is trusted: every offset must be a multiple of 4 inside its
 * {@code .rec} and no offset may repeat; a violation is a {@link FormatException} naming the
 * {@code .idx} and the offending line. (An index that lists a wrong but well-formed offset is
 * not detected here: the reader that follows reports the record it does not find.)
 */
final class PartCounter {
  private final RecordIOSplit split;
  private final Configuration conf;

  PartCounter(RecordIOSplit split, Configuration conf) {
    this.split = split;
    this.conf = conf;
  }

  /**
   * Counts the records of {@code range}, through the indexes if every file has one, unless
   * {@code skips} is given: then by a scan that skips broken framing into it.
   */
  PartCount count(PartRange range, FramingSkips skips) throws IOException {
    if (range.isEmpty()) {
      return new PartCount(0, false);
    }
    if (skips != null) {
      return new PartCount(scan(range, skips), false);
    }
    List<long[]> offsets = indexOffsets();
    if (offsets == null) {
      return new PartCount(scan(range, null), false);
    }
    long n = 0;
    List<SplitFile> files = split.files();
    for (int i = 0; i < files.size(); i++) {
      SplitFile f = files.get(i);
      long from = Math.max(range.begin(), f.start()) - f.start();
      long to = Math.min(range.end(), f.end()) - f.start();
      if (from < to) {
        n += countIn(offsets.get(i), from, to);
      }
    }
    return new PartCount(n, true);
  }

  /** Records of the part by walking its headers (payloads skipped, not copied). */
  private long scan(PartRange range, FramingSkips skips) throws IOException {
    long n = 0;
    try (RecordIOPartReader r =
        new RecordIOPartReader(split, range, split::readOptions, skips)) {
      while (r.skip()) {
        n++;
      }
    }
    return n;
  }

  /**
   * Each file's index offsets, sorted, or null if some {@code .rec} has no {@code .idx} next to
   * it.
   */
  List<long[]> indexOffsets() throws IOException {
    List<Path> idxPaths = new ArrayList<>();
    for (SplitFile f : split.files()) {
      Path idx = indexOf(f.path());
      if (idx == null) {
        return null;
      }
      idxPaths.add(idx);
    }
    List<StoreEntry> entries = new ArrayList<>();
    for (int i = 0; i < idxPaths.size(); i++) {
      Path idx = idxPaths.get(i);
      // A listing of the .rec's directory already said whether its .idx is there, and its size.
      Optional<StoreEntry> listed = split.listedIndex(split.files().get(i).path());
      StoreEntry e = listed != null ? listed.orElse(null)
          : ByteStores.forPath(idx, conf).file(idx);
      if (e == null) {
        return null;
      }
      entries.add(e);
    }
    List<long[]> all = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      all.add(readOffsets(entries.get(i), split.files().get(i)));
    }
    return all;
  }

  /** {@code dir/name.idx} for {@code dir/name.rec}; null for a file not named {@code *.rec}. */
  static Path indexOf(Path rec) {
    String name = rec.getName();
    if (!name.endsWith(".rec")) {
      return null;
    }
    return new Path(rec.getParent(), name.substring(0, name.length() - 4) + ".idx");
  }

  private long[] readOffsets(StoreEntry idx, SplitFile rec) throws IOException {
    String name = idx.path().toString();
    if (idx.size() > Integer.MAX_VALUE - 8) {
      throw new FormatException(name, -1, "index of " + idx.size() + " bytes is too large");
    }
    byte[] bytes = new byte[(int) idx.size()];
    ByteStore store = ByteStores.forPath(idx.path(), conf);
    try (ByteSource source = ByteStores.open(store, idx, conf)) {
      source.readFully(0, bytes, 0, bytes.length);
    }
    List<RecordIndex.Entry> list =
        RecordIndex.read(new ByteArrayInputStream(bytes), name).entries();
    long[] offsets = new long[list.size()];
    for (int i = 0; i < offsets.length; i++) {
      long off = list.get(i).offset();
      if (off % 4 != 0 || off >= rec.size()) {
        throw new FormatException(name, -1, "entry " + (i + 1) + " (key '" + list.get(i).key()
            + "'): offset " + off + " is not a record head of " + rec.path() + " (size "
            + rec.size() + ", heads are multiples of 4); rebuild the index with kindling"
            + " im2rec or delete it (records are then counted from their headers)");
      }
      offsets[i] = off;
    }
    Arrays.sort(offsets);
    for (int i = 1; i < offsets.length; i++) {
      if (offsets[i] == offsets[i - 1]) {
        throw new FormatException(name, -1, "offset " + offsets[i] + " is listed twice; rebuild"
            + " the index with kindling im2rec or delete it (records are then counted from"
            + " their headers)");
      }
    }
    return offsets;
  }

  /** Offsets in {@code [from, to)} of a sorted array. */
  private static long countIn(long[] sorted, long from, long to) {
    return lowerBound(sorted, to) - lowerBound(sorted, from);
  }

  static int lowerBound(long[] a, long key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
