package org.kindling.io.split;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.fs.Seekable;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.io.source.ByteSource;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.StoreEntry;
import org.kindling.tensor.FormatException;

/**
 * The records of one part of an {@link IndexedSplit}, entry by entry in an order the caller sets
 * ({@link #order}; file order by default): each entry's bytes, from its indexed offset up to the
 * next one, are read by ranged reads of at most {@value #MAX_READ} bytes through their file's
 * {@link ByteSource} (retried as every store read) and every record whose head lies there is
 * returned (one, when the index lists every record). Not thread-safe.
 *
 * <p>With {@link FramingSkips} (skipCorrupt), broken framing at a record head {@code h} of an
 * entry (a bad magic word or cflag, a record running past the next indexed offset or the file's
 * end) skips the rest of the entry's bytes in that file, {@code [h, next indexed offset or file
 * end)}, records the range and goes on with the next entry; {@link #next()} and {@link #skip()}
 * skip the same ranges, so a count pass counts the records a read pass returns. With a complete
 * index the range is the broken entry's whole span.
 */
public final class IndexedPartReader implements RecordSource {
  /** Largest single ranged read; an entry's record usually fits in one. */
  static final int MAX_READ = 1 << 20;

  private final IndexedSplit index;
  private final int from;
  private final int[] order;
  private final FramingSkips skips;
  private final Map<SplitFile, ByteSource> sources = new HashMap<>();
  private int cursor;
  /** The entry being read, its next unread global offset and its end. */
  private int entry = -1;
  private long at;
  private long spanEnd;
  private SplitFile file;
  private RecordIOReader reader;
  private long pieceEnd;
  private boolean closed;

  IndexedPartReader(IndexedSplit index, int from, int to, FramingSkips skips) {
    this.index = index;
    this.from = from;
    this.skips = skips;
    this.order = new int[to - from];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
  }

  /** Index entries in this part (its records, when the index lists every record). */
  public int size() {
    return order.length;
  }

  /**
   * Sets the order of the entries for the pass that starts now: {@code perm[j]} is the part's
   * entry read j-th (0-based within the part). Drops what the current pass has not read.
   *
   * @throws IllegalArgumentException if {@code perm} is not a permutation of the part's entries
   */
  public void order(int[] perm) throws IOException {
    if (perm.length != order.length) {
      throw new IllegalArgumentException("order of " + perm.length + " entries for a part of "
          + order.length);
    }
    boolean[] seen = new boolean[perm.length];
    for (int p : perm) {
      if (p < 0 || p >= perm.length || seen[p]) {
        throw new IllegalArgumentException("order is not a permutation of 0.." + perm.length);
      }
      seen[p] = true;
    }
    System.arraycopy(perm, 0, order, 0, perm.length);
    reset();
  }

  @Override
  public LocatedRecord next() throws IOException {
    while (advance()) {
      long h = reader.tell();
      byte[] payload;
      try {
        payload = reader.next();
      } catch (FormatException e) {
        skipBroken(h, e);
        continue;
      }
      if (payload != null) {
        long off = reader.lastRecordOffset();
        return new LocatedRecord(payload, file.path().toString(), off, file.start() + off);
      }
      endPiece();
    }
    return null;
  }

  /**
   * Moves over the next record of the part without reading its payload ({@link
   * RecordIOReader#skip()}), checking its framing as {@link #next()} does and skipping the same
   * broken ranges.
   *
   * @return false when the pass is over
   */
  public boolean skip() throws IOException {
    while (advance()) {
      long h = reader.tell();
      boolean moved;
      try {
        moved = reader.skip();
      } catch (FormatException e) {
        skipBroken(h, e);
        continue;
      }
      if (moved) {
        return true;
      }
      endPiece();
    }
    return false;
  }

  /** Opens the next piece to read if none is open; false when the pass is over. */
  private boolean advance() throws IOException {
    if (closed) {
      throw new IllegalStateException("IndexedPartReader of " + index + " is closed");
    }
    while (reader == null) {
      if (entry >= 0 && at < spanEnd) {
        openPiece();
        break;
      }
      if (cursor >= order.length) {
        return false;
      }
      entry = from + order[cursor++];
      at = index.head(entry);
      spanEnd = index.end(entry);
    }
    return true;
  }

  private void endPiece() throws IOException {
    reader.close();
    reader = null;
    at = pieceEnd;
  }

  /**
   * The framing of the record at in-file offset {@code h} of the current piece failed with
   * {@code e}: without skips, fails naming the {@code .rec}, the offset and the index; with
   * skips, records {@code [h, piece end)} and ends the piece.
   */
  private void skipBroken(long h, FormatException e) throws IOException {
    if (skips == null) {
      throw explained(e);
    }
    String p = problem(e);
    if (e.offset() >= 0 && e.offset() != h) {
      p += " (at offset " + e.offset() + ")";
    }
    skips.skipped(new FramingSkips.Range(file.path().toString(), h, pieceEnd - file.start(),
        p + " in an entry of the index " + index.indexUri()));
    endPiece();
  }

  private FormatException explained(FormatException e) {
    // the stream stops at the next indexed head, so a record running past it reads as cut
    String upTo = pieceEnd == file.end() ? "the end of the file"
        : "the next indexed offset " + (pieceEnd - file.start());
    long head = index.head(entry);
    String fromWhere = head >= file.start() ? "offset " + (head - file.start())
        : "the file's start (the entry began in an earlier file)";
    FormatException w = new FormatException(file.path().toString(), e.offset(), problem(e)
        + " (reading the records the index " + index.indexUri() + " locates from "
        + fromWhere + " up to " + upTo + "; the .rec is corrupt"
        + " there or the index does not match it: rebuild the index with kindling im2rec,"
        + " or skip such entries with --skip-corrupt)");
    w.initCause(e);
    return w;
  }

  /**
   * The problem of {@code e}, without the file and offset its message starts with; the reader's
   * end is the piece's, so "the end of the file" is the next indexed offset when that comes
   * first.
   */
  private String problem(FormatException e) {
    String prefix = e.file() + (e.offset() >= 0 ? " at byte offset " + e.offset() : "") + ": ";
    String m = e.getMessage();
    String p = m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    if (pieceEnd < file.end()) {
      p = p.replace("the end of the file (size " + (pieceEnd - file.start()) + ")",
          "the next indexed offset " + (pieceEnd - file.start()));
    }
    return p;
  }

  /** Opens the records of the current entry that lie in the file holding {@link #at}. */
  private void openPiece() throws IOException {
    file = index.split().fileContaining(at);
    pieceEnd = Math.min(spanEnd, file.end());
    ByteSource source = sources.get(file);
    if (source == null) {
      source = ByteStores.open(ByteStores.forPath(file.path(), index.split().conf()),
          StoreEntry.file(file.path(), file.size()), index.split().conf());
      sources.put(file, source);
    }
    long len = pieceEnd - at;
    int buffer = (int) Math.max(64, Math.min(MAX_READ, len));
    // the piece's end as the reader's end: a record running past the next indexed offset fails
    // its header check, in next() and skip() alike (a skip must not seek past the range)
    reader = new RecordIOReader(new RangeStream(source, at - file.start(),
        pieceEnd - file.start()), file.path().toString(), pieceEnd - file.start(), buffer);
  }

  /** Starts the pass again, in the current order. */
  @Override
  public void reset() throws IOException {
    if (reader != null) {
      reader.close();
      reader = null;
    }
    cursor = 0;
    entry = -1;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    if (reader != null) {
      reader.close();
    }
    for (ByteSource s : sources.values()) {
      try {
        s.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    sources.clear();
    if (first != null) {
      throw first;
    }
  }

  /**
   * In-file bytes {@code [position, end)} of a source as a seekable stream: each read is one
   * ranged read into the caller's array, so the reader's buffer is the only copy.
   */
  private static final class RangeStream extends InputStream implements Seekable {
    private final ByteSource source;
    private final long start;
    private final long end;
    private long pos;

    RangeStream(ByteSource source, long start, long end) {
      this.source = source;
      this.start = start;
      this.end = end;
      this.pos = start;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      int n = (int) Math.min(len, end - pos);
      source.readFully(pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long position) throws IOException {
      if (position < start || position > end) {
        throw new IOException("offset " + position + " is outside the indexed range [" + start
            + ", " + end + ")");
      }
      pos = position;
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }

    @Override
    public void close() {
      // the source belongs to the part reader
    }
  }
}
