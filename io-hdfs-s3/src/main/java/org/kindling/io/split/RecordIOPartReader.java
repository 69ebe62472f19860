package org.kindling.io.split;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.fs.Path;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.io.RecordView;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.io.source.ReadOptions;
import org.kindling.tensor.FormatException;

/**
 * Reads the logical records of one part of a {@link RecordIOSplit}: those whose first physical
 * part starts in the part's (resynced) global range {@code [begin, end)}, in file order. A record
 * whose later parts lie past {@code end} is read to completion. Each file is read through a
 * {@link org.kindling.io.source.PrefetchingInputStream}: ranged reads of the file's chunk size
 * (configured, or its store's default) on reader threads, ahead up to the range's end, retried when the store fails transiently. Not
 * thread-safe; wrap it in a {@link PrefetchingRecordSource} to also parse records on a background
 * thread.
 *
 * <p>Broken framing fails the read with a {@link FormatException} naming the file and offset,
 * unless the reader was opened with a {@link FramingSkips} (skipCorrupt): it then resumes at
 * the next record head and records the skipped range there.
 */
public final class RecordIOPartReader implements RecordSource {
  /** The record parser's own buffer; the prefetching stream below it holds the chunks. */
  private static final int PARSE_BUFFER_BYTES = 1 << 16;

  private final RecordIOSplit split;
  private final PartRange range;
  /** The read options of each file (its store's default chunk size, unless configured). */
  private final Function<Path, ReadOptions> options;
  private final int firstFile;
  private int fileIndex;
  private RecordIOReader reader;
  private SplitFile file;
  /** In-file offset where this part's records end in the current file. */
  private long fileLimit;
  private boolean closed;
  /** Global offsets of the head of the record {@link #skip()} last moved over, and past it. */
  private long lastSkippedHead = -1;
  private long lastSkippedEnd = -1;
  /** Where broken framing goes in skipCorrupt mode; null: it fails the read. */
  private final FramingSkips skips;

  RecordIOPartReader(RecordIOSplit split, PartRange range,
      Function<Path, ReadOptions> options) {
    this(split, range, options, null);
  }

  RecordIOPartReader(RecordIOSplit split, PartRange range,
      Function<Path, ReadOptions> options, FramingSkips skips) {
    this.split = split;
    this.range = range;
    this.options = options;
    this.skips = skips;
    this.firstFile = firstFileOf(split.files(), range.begin());
    this.fileIndex = firstFile;
  }

  private static int firstFileOf(List<SplitFile> files, long begin) {
    int i = 0;
    while (i < files.size() && files.get(i).end() <= begin) {
      i++;
    }
    return i;
  }

  /** The resynced global range this reader covers. */
  public PartRange range() {
    return range;
  }

  /**
   * The next record of the part, or null when the part is exhausted; the caller owns it (one
   * copy out of the read chunk).
   *
   * @throws org.kindling.tensor.FormatException if a record in the range is corrupt
   */
  @Override
  public LocatedRecord next() throws IOException {
    RecordView v = read(false);
    return v == null ? null : new LocatedRecord(v.payload().array(), v.file(), v.fileOffset(),
        v.globalOffset());
  }

  /**
   * The next record of the part without copying it ({@link RecordIOReader#nextView()}): a view
   * of the chunk it was read into, valid until the next call on this reader; the same records as
   * {@link #next()}, with the same checks.
   *
   * @return the record, or null when the part is exhausted
   */
  @Override
  public RecordView nextView() throws IOException {
    return read(true);
  }

  /**
   * The next record as a view ({@code view}) or as a buffer that wraps its own exact-size array
   * ({@link RecordIOReader#next()}, exposed by {@link #next()} without a second copy).
   */
  private RecordView read(boolean view) throws IOException {
    ensureOpen();
    while (true) {
      if (reader == null && !openNextFile()) {
        return null;
      }
      long at = reader.tell();
      ByteBuffer payload = null;
      if (at < fileLimit) {
        try {
          payload = view ? reader.nextView() : wrap(reader.next());
        } catch (FormatException e) {
          skipBrokenRecord(at, e);
          continue;
        }
      }
      if (payload == null) {
        closeFile();
        fileIndex++;
        continue;
      }
      return new RecordView(payload, file.path().toString(), at, file.start() + at);
    }
  }

  private static ByteBuffer wrap(byte[] payload) {
    return payload == null ? null : ByteBuffer.wrap(payload);
  }

  /**
   * Moves over the next record of the part without reading its payload ({@link
   * RecordIOReader#skip()}), checking its headers as {@link #next()} does.
   *
   * @return false when the part is exhausted
   */
  public boolean skip() throws IOException {
    ensureOpen();
    while (true) {
      if (reader == null && !openNextFile()) {
        return false;
      }
      long at = reader.tell();
      boolean moved;
      try {
        moved = at < fileLimit && reader.skip();
      } catch (FormatException e) {
        skipBrokenRecord(at, e);
        continue;
      }
      if (moved) {
        lastSkippedHead = file.start() + at;
        lastSkippedEnd = file.start() + reader.tell();
        return true;
      }
      closeFile();
      fileIndex++;
    }
  }

  /** The global offset of the first part of the record {@link #skip()} last moved over, or -1. */
  long lastSkippedHead() {
    return lastSkippedHead;
  }

  /**
   * The global offset just past the record {@link #skip()} last moved over (its last part and
   * padding: the next record head of its file, or the file's end), or -1.
   */
  long lastSkippedEnd() {
    return lastSkippedEnd;
  }

  /**
   * In skipCorrupt mode, moves past the record whose head is at in-file offset {@code at} and
   * whose framing failed with {@code e}: reading resumes at the next record head after {@code at}
   * in the file (or the file's end), and the range is recorded; the next file follows when that
   * head lies past the part. Both {@link #next()} and {@link #skip()} come here for the same
   * errors at the same heads, so the count pass and the read pass skip the same ranges. Without
   * skipCorrupt, rethrows {@code e}.
   */
  private void skipBrokenRecord(long at, FormatException e) throws IOException {
    if (skips == null) {
      throw e;
    }
    SplitFile f = file;
    long limit = fileLimit;
    closeFile();
    long head = f.size();
    RecordIOReader resumed = null;
    if (at + 4 < f.size()) {
      int buffer = (int) Math.max(64, Math.min(PARSE_BUFFER_BYTES, limit - at));
      resumed = split.openFile(f, at + 4, Math.max(limit, at + 4), options.apply(f.path()),
          buffer);
      try {
        head = resumed.seekToNextHead();
      } catch (FormatException end) {
        head = f.size(); // a magic word in the last 4 bytes: nothing follows
      } catch (IOException | RuntimeException failed) {
        resumed.close();
        throw failed;
      }
    }
    skips.skipped(new FramingSkips.Range(f.path().toString(), at, head, problem(e, at)));
    if (head < limit) {
      reader = resumed;
      file = f;
      fileLimit = limit;
    } else {
      if (resumed != null) {
        resumed.close();
      }
      fileIndex++;
    }
  }

  /**
   * The problem of {@code e}, without the file and offset its message starts with; the offset
   * kept when it is not the record's head {@code at} (a later part of a split record).
   */
  private static String problem(FormatException e, long at) {
    String prefix = e.file() + (e.offset() >= 0 ? " at byte offset " + e.offset() : "") + ": ";
    String m = e.getMessage();
    String p = m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    return e.offset() >= 0 && e.offset() != at ? p + " (at offset " + e.offset() + ")" : p;
  }

  private boolean openNextFile() throws IOException {
    List<SplitFile> files = split.files();
    if (range.isEmpty() || fileIndex >= files.size()
        || files.get(fileIndex).start() >= range.end()) {
      return false;
    }
    SplitFile f = files.get(fileIndex);
    long from = Math.max(range.begin(), f.start()) - f.start();
    long to = Math.min(range.end(), f.end()) - f.start();
    // Reading past `to` only happens for a record that spans it, so size the buffer to the range.
    int buffer = (int) Math.max(64, Math.min(PARSE_BUFFER_BYTES, to - from));
    reader = split.openFile(f, from, to, options.apply(f.path()), buffer);
    file = f;
    fileLimit = to;
    return true;
  }

  private void closeFile() throws IOException {
    if (reader != null) {
      RecordIOReader r = reader;
      reader = null;
      file = null;
      r.close();
    }
  }

  /** Starts the part again from its first record. */
  @Override
  public void reset() throws IOException {
    ensureOpen();
    closeFile();
    fileIndex = firstFile;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("part reader " + range + " is closed");
    }
  }

  /** Closes the open file, if any; idempotent. */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      closeFile();
    }
  }
}
