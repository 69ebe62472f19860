package org.kindling.io.split;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.recordio.RecordIndex;
import org.kindling.io.source.ByteSource;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.StoreEntry;
import org.kindling.tensor.FormatException;

/**
 * A RecordIO data set partitioned through its index, as dmlc's {@code IndexedRecordIOSplitter}
 * (MXNet's {@code ImageRecordIter} with {@code path_imgidx}): the indexed offsets, in the global
 * byte space of the {@code .rec} files laid end to end ({@link RecordIOSplit}), sorted; part
 * {@code k} of {@code n} holds entries {@code [k * step, min((k + 1) * step, E))} with {@code
 * step = ceil(E / n)}, E the number of entries. Entry {@code i} stands for the bytes from its
 * offset up to the next entry's offset (the last one: up to the end of the last file), and
 * reading it yields every record whose head lies there: one record when the index lists every
 * record, as {@code im2rec}'s indexes do (decision 0060).
 *
 * <p>Index rules (decision 0060): one index for the whole list holds offsets in the global byte
 * space (MXNet's only form: with one {@code .rec} they are that file's offsets); or one index per
 * {@code .rec} entry of a {@code ;} list, in the same order, each holding its own file's offsets,
 * which are shifted by the file's start (the same partition as MXNet's with one index of the
 * concatenation; MXNet itself refuses several index files). Every offset must be a multiple of 4
 * inside its file (or the data set) and listed once. Immutable; shareable between threads.
 */
public final class IndexedSplit {
  private final RecordIOSplit split;
  private final String indexUri;
  private final long[] heads;

  private IndexedSplit(RecordIOSplit split, String indexUri, long[] heads) {
    this.split = split;
    this.indexUri = indexUri;
    this.heads = heads;
  }

  /**
   * Resolves the data set {@code recUri} ({@link RecordIOSplit#open}'s forms) and reads its index
   * or indexes {@code idxUri}.
   *
   * @param recUri the {@code .rec} data set, MXNet's {@code path_imgrec}
   * @param idxUri one index, or one per {@code ;} entry of {@code recUri} separated by {@code ;}:
   *     MXNet's {@code path_imgidx}
   * @throws IllegalArgumentException if the number of indexes is neither 1 nor the number of
   *     {@code .rec} entries, or an entry paired with an index names several files
   * @throws FormatException naming the {@code .idx} and the entry if an offset is unaligned,
   *     outside its file or repeated
   */
  public static IndexedSplit open(String recUri, String idxUri, Configuration conf)
      throws IOException {
    Objects.requireNonNull(recUri, "recUri");
    Objects.requireNonNull(idxUri, "idxUri");
    RecordIOSplit split = RecordIOSplit.open(recUri, conf);
    List<String> idxs = entries(idxUri);
    List<String> recs = entries(recUri);
    if (idxs.isEmpty()) {
      throw new IllegalArgumentException("no index path in '" + idxUri + "'");
    }
    long[] heads;
    if (idxs.size() == 1) {
      heads = offsets(idxs.get(0), conf, 0, split.totalBytes(),
          recs.size() == 1 ? split.files().isEmpty() ? recs.get(0)
              : split.files().get(0).path().toString() : "the data set " + recUri);
    } else if (idxs.size() == recs.size()) {
      heads = pairedOffsets(split, recs, idxs, conf);
    } else {
      throw new IllegalArgumentException("the index list '" + idxUri + "' names " + idxs.size()
          + " files for " + recs.size() + " .rec entries in '" + recUri + "': give one index"
          + " per .rec, in the same order, or one index for the whole list (offsets in the"
          + " files laid end to end, as MXNet reads a single path_imgidx)");
    }
    Arrays.sort(heads);
    for (int i = 1; i < heads.length; i++) {
      if (heads[i] == heads[i - 1]) {
        SplitFile f = split.fileContaining(heads[i]);
        throw new FormatException(idxUri, -1, "offset " + (heads[i] - f.start()) + " of "
            + f.path() + " is listed twice; rebuild the index with kindling im2rec");
      }
    }
    return new IndexedSplit(split, idxUri, heads);
  }

  private static List<String> entries(String list) {
    List<String> out = new ArrayList<>();
    for (String e : list.split(";")) {
      if (!e.strip().isEmpty()) {
        out.add(e.strip());
      }
    }
    return out;
  }

  /** Each index's offsets shifted by the start of its own {@code .rec} in the global space. */
  private static long[] pairedOffsets(RecordIOSplit split, List<String> recs, List<String> idxs,
      Configuration conf) throws IOException {
    List<long[]> all = new ArrayList<>();
    int total = 0;
    int file = 0;
    for (int i = 0; i < recs.size(); i++) {
      List<SplitFile> own = RecordIOSplit.open(recs.get(i), conf).files();
      if (own.size() > 1) {
        throw new IllegalArgumentException(".rec entry '" + recs.get(i) + "' names "
            + own.size() + " files, but is paired with the single index " + idxs.get(i)
            + ": list each .rec with its own .idx, or give one index for the whole list");
      }
      // empty files are not in the global space: their index must be empty too
      long start = own.isEmpty() ? 0 : split.files().get(file++).start();
      long size = own.isEmpty() ? 0 : own.get(0).size();
      long[] o = offsets(idxs.get(i), conf, start, size, recs.get(i));
      all.add(o);
      total += o.length;
    }
    long[] heads = new long[total];
    int n = 0;
    for (long[] o : all) {
      System.arraycopy(o, 0, heads, n, o.length);
      n += o.length;
    }
    return heads;
  }

  /** The offsets of index {@code idx}, checked against {@code [0, size)}, plus {@code shift}. */
  private static long[] offsets(String idx, Configuration conf, long shift, long size,
      String what) throws IOException {
    Path path = new Path(idx);
    ByteStore store = ByteStores.forPath(path, conf);
    StoreEntry e = store.file(store.qualify(path));
    if (e == null) {
      throw new java.io.FileNotFoundException("index " + idx + " does not exist (or is a"
          + " directory)");
    }
    if (e.size() > Integer.MAX_VALUE - 8) {
      throw new FormatException(idx, -1, "index of " + e.size() + " bytes is too large");
    }
    byte[] bytes = new byte[(int) e.size()];
    try (ByteSource source = ByteStores.open(store, e, conf)) {
      source.readFully(0, bytes, 0, bytes.length);
    }
    List<RecordIndex.Entry> list =
        RecordIndex.read(new ByteArrayInputStream(bytes), e.path().toString()).entries();
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      long off = list.get(i).offset();
      if (off % 4 != 0 || off >= size) {
        throw new FormatException(e.path().toString(), -1, "entry " + (i + 1) + " (key '"
            + list.get(i).key() + "'): offset " + off + " is not a record head of " + what
            + " (size " + size + ", heads are multiples of 4); is the index paired with the"
            + " right .rec? Rebuild it with kindling im2rec");
      }
      out[i] = shift + off;
    }
    return out;
  }

  /** The data set the index points into. */
  public RecordIOSplit split() {
    return split;
  }

  /** The index path or list this split was opened with. */
  public String indexUri() {
    return indexUri;
  }

  /** Number of index entries E over all files. */
  public int size() {
    return heads.length;
  }

  /** Global offset of entry {@code i} (entries sorted by offset). */
  public long head(int i) {
    return heads[i];
  }

  /** Global offset where entry {@code i}'s bytes end: the next entry's offset, or the end. */
  public long end(int i) {
    return i + 1 < heads.length ? heads[i + 1] : split.totalBytes();
  }

  /**
   * The entries of part {@code part} of {@code numParts}: {@code [from, to)} of the sorted
   * entries, dmlc's {@code ceil(E / n)} steps (the last parts may be empty).
   *
   * @return {@code {from, to}}
   * @throws IllegalArgumentException if the part is not in {@code [0, numParts)}
   */
  public int[] partEntries(int part, int numParts) {
    if (numParts < 1 || part < 0 || part >= numParts) {
      throw new IllegalArgumentException("part_index " + part + " must be in [0, num_parts "
          + numParts + ")");
    }
    long step = ((long) heads.length + numParts - 1) / numParts;
    int from = (int) Math.min(heads.length, part * step);
    int to = (int) Math.min(heads.length, (part + 1) * step);
    return new int[] {from, to};
  }

  /** Opens a reader over part {@code part} of {@code numParts}, its entries in offset order. */
  public IndexedPartReader openPart(int part, int numParts) {
    return openPart(part, numParts, null);
  }

  /**
   * Opens a reader over part {@code part} of {@code numParts} that skips broken framing into
   * {@code skips} instead of failing ({@link IndexedPartReader}), or fails when it is null.
   */
  public IndexedPartReader openPart(int part, int numParts, FramingSkips skips) {
    int[] r = partEntries(part, numParts);
    return new IndexedPartReader(this, r[0], r[1], skips);
  }

  /**
   * Counts the records of part {@code part} of {@code numParts} by their headers alone, skipping
   * broken framing into {@code skips} as a read pass does ({@link IndexedPartReader#skip()}): the
   * count is the number of records a read pass with skips returns, and {@code skips} gets the
   * ranges it will skip. Without skips (null) broken framing fails.
   */
  public long countRecords(int part, int numParts, FramingSkips skips) throws IOException {
    long n = 0;
    try (IndexedPartReader r = openPart(part, numParts, skips)) {
      while (r.skip()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "IndexedSplit[" + split + ", index " + indexUri + ", " + heads.length + " entries]";
  }
}
