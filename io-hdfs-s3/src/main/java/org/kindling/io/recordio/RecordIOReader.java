package org.kindling.io.recordio;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.Seekable;
import org.kindling.io.HadoopFiles;
import org.kindling.io.source.PrefetchingInputStream;
import org.kindling.tensor.FormatException;

/**
 * Reads logical records from a RecordIO stream ({@code formats.md} §1.3), buffering reads in
 * chunks. Parts of a split record are joined with the magic re-inserted between them.
 *
 * <p>Every header is checked: the magic, the cflag sequence (a record starts with cflag 0 or 1; a
 * split record continues with 2s and ends with a 3), and, when the file length is known, that the
 * padded part fits in the file before anything is allocated. When the length is unknown (a plain
 * stream), payload buffers grow only as bytes actually arrive. Problems are reported as {@link
 * FormatException} with the file name and the byte offset of the offending part.
 *
 * <p>{@link #seek(long)} works on Hadoop {@link Seekable} streams (such as {@code
 * FSDataInputStream}) in both directions and on other streams forwards only. Not thread-safe.
 *
 * <p>Over a {@link PrefetchingInputStream} the reader parses in the stream's chunks themselves
 * ({@link PrefetchingInputStream#window}) instead of copying them into a buffer of its own, and
 * {@link #nextView()} hands a record out as a view of the chunk, copying nothing; only a record
 * (or a header) that crosses a chunk boundary, and a split record, are copied, into a scratch
 * buffer the reader keeps.
 */
public final class RecordIOReader implements Closeable {
  /** Buffer size used when none is given. */
  public static final int DEFAULT_BUFFER_SIZE = 1 << 16;

  /** Growth step for payloads of unknown-length streams: never trust a length field blindly. */
  private static final int UNTRUSTED_CHUNK = 1 << 20;

  private final InputStream in;
  private final String name;
  private final long fileLength;
  /** The prefetching stream whose chunks are parsed in place, or null: parse in own buffer. */
  private final PrefetchingInputStream windows;
  /** Where a header that crosses two chunks is joined (window mode). */
  private final byte[] carry = new byte[16];
  /**
   * The bytes being parsed, file bytes [streamPos - (limit - base), streamPos) at indices [base,
   * limit): the reader's own buffer (base 0), a chunk of {@code windows}, or {@code carry}.
   */
  private byte[] buf;
  private int base;
  private int pos;
  private int limit;
  /** File offset of the underlying stream: the file offset of {@code buf[limit]}. */
  private long streamPos;
  /** The reused buffer of {@link #nextView()}'s copied records. */
  private ByteSink scratch;
  private long lastRecordOffset = -1;
  private boolean closed;

  /** A reader over a stream of unknown length starting at file offset 0. */
  public RecordIOReader(InputStream in, String name) {
    this(in, name, -1, DEFAULT_BUFFER_SIZE);
  }

  /**
   * A reader over {@code in}.
   *
   * @param in the stream; if it is a Hadoop {@link Seekable}, its current position is taken as the
   *     starting file offset, otherwise the stream is assumed to be at offset 0
   * @param name the file name or URI, used in error messages
   * @param fileLength the total file length in bytes, or -1 if unknown
   * @param bufferSize bytes read from the stream at a time (at least 64)
   */
  public RecordIOReader(InputStream in, String name, long fileLength, int bufferSize) {
    this.in = Objects.requireNonNull(in, "in");
    this.name = Objects.requireNonNull(name, "name");
    if (fileLength < -1) {
      throw new IllegalArgumentException("file length " + fileLength + " must be >= 0 or -1");
    }
    if (bufferSize < 64) {
      throw new IllegalArgumentException("buffer size " + bufferSize + " must be at least 64");
    }
    this.fileLength = fileLength;
    this.windows = in instanceof PrefetchingInputStream p ? p : null;
    this.buf = windows != null ? carry : new byte[bufferSize];
    long start = 0;
    if (in instanceof Seekable s) {
      try {
        start = s.getPos();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the position of the stream of " + name, e);
      }
    }
    this.streamPos = start;
  }

  /** Opens {@code path} through its Hadoop file system (seekable, length known). */
  public static RecordIOReader open(Path path, Configuration conf) throws IOException {
    return open(HadoopFiles.fileSystem(path, conf), path, DEFAULT_BUFFER_SIZE);
  }

  /** Opens {@code path} on {@code fs} with the given read buffer size. */
  public static RecordIOReader open(FileSystem fs, Path path, int bufferSize) throws IOException {
    long length = fs.getFileStatus(path).getLen();
    return new RecordIOReader(fs.open(path), path.toString(), length, bufferSize);
  }

  /** The file name used in error messages. */
  public String name() {
    return name;
  }

  /** The file length, or -1 if unknown. */
  public long fileLength() {
    return fileLength;
  }

  /** The current file offset: the first part of the next record when between records. */
  public long tell() {
    return streamPos - limit + pos;
  }

  /** The file offset of the first part of the record last returned by {@link #next()}, or -1. */
  public long lastRecordOffset() {
    return lastRecordOffset;
  }

  /**
   * Moves to file offset {@code offset}, which should be the head of a record (for example an
   * offset from a {@code .idx} file).
   *
   * @throws IllegalArgumentException if the offset is negative, unaligned or past the file end
   * @throws IllegalStateException if the stream is not seekable and the offset lies behind
   */
  public void seek(long offset) throws IOException {
    ensureOpen();
    if (offset < 0 || offset % 4 != 0 || (fileLength >= 0 && offset > fileLength)) {
      throw new IllegalArgumentException(
          name + ": cannot seek to offset " + offset + " (must be a multiple of 4 in [0, "
              + (fileLength >= 0 ? fileLength : "EOF") + "])");
    }
    long bufStart = streamPos - (limit - base);
    if (offset >= bufStart && offset <= streamPos) {
      pos = base + (int) (offset - bufStart);
      return;
    }
    if (in instanceof Seekable s) {
      s.seek(offset);
      streamPos = offset;
      base = 0;
      pos = 0;
      limit = 0;
      return;
    }
    if (offset < bufStart) {
      throw new IllegalStateException(
          name + ": the stream is not seekable, cannot seek back to offset " + offset);
    }
    pos = limit;
    while (streamPos < offset) {
      long skipped = in.skip(offset - streamPos);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new FormatException(name, streamPos, "file ends before seek offset " + offset);
        }
        skipped = 1;
      }
      streamPos += skipped;
    }
    pos = 0;
    limit = 0;
  }

  /**
   * Reads the next logical record.
   *
   * @return the record bytes, or {@code null} at the end of the file
   * @throws FormatException on a bad magic, a truncated part, a cflag sequence violation, or a
   *     length running past the end of the file
   */
  public byte[] next() throws IOException {
    ByteBuffer r = read(false);
    return r == null ? null : r.array();
  }

  /**
   * Reads the next logical record without copying it where it lies whole in the bytes at hand
   * (a prefetching stream's chunk, else the reader's buffer): the view's array is that chunk or
   * buffer, else the reader's scratch buffer. The view (position 0, limit the record's length)
   * is valid until the next call on this reader, and must not be modified. Checks as {@link
   * #next()} does.
   *
   * @return the record's bytes, or {@code null} at the end of the file
   */
  public ByteBuffer nextView() throws IOException {
    return read(true);
  }

  /**
   * The next record as a view ({@code view}) or as a buffer wrapping its own exact-size array.
   */
  private ByteBuffer read(boolean view) throws IOException {
    ensureOpen();
    long head = tell();
    ByteSink joined = null;
    while (true) {
      long partAt = tell();
      int lrec = partHeader(head, joined != null);
      if (lrec < 0) {
        return null;
      }
      int cflag = RecordIO.cflag(lrec);
      int length = RecordIO.length(lrec);
      if (joined == null && cflag == RecordIO.CFLAG_WHOLE) {
        ByteBuffer data;
        if (limit - pos >= RecordIO.ceil4(length)) {
          // payload and padding at hand: nothing below moves the bytes the view sees
          data = view ? ByteBuffer.wrap(buf, pos, length).slice()
              : ByteBuffer.wrap(Arrays.copyOfRange(buf, pos, pos + length));
          pos += length;
        } else if (view) {
          ByteSink sink = scratch();
          readPayloadInto(sink, length, partAt);
          data = sink.view();
        } else {
          data = ByteBuffer.wrap(readPayload(length, partAt));
        }
        skipPadding(length, partAt);
        lastRecordOffset = head;
        return data;
      }
      if (joined == null) {
        joined = view ? scratch() : new ByteSink(Math.min(length + 4, UNTRUSTED_CHUNK));
      } else {
        joined.appendMagic();
      }
      if ((long) joined.size + length >= RecordIO.MAX_RECORD_LENGTH) {
        throw new FormatException(name, partAt, "the split record that began at offset " + head
            + " grows past the RecordIO limit of 2^29-1 bytes");
      }
      readPayloadInto(joined, length, partAt);
      skipPadding(length, partAt);
      if (cflag == RecordIO.CFLAG_LAST) {
        lastRecordOffset = head;
        return view ? joined.view() : ByteBuffer.wrap(joined.toArray());
      }
    }
  }

  /** The scratch buffer, emptied. */
  private ByteSink scratch() {
    if (scratch == null) {
      scratch = new ByteSink(1 << 16);
    }
    scratch.size = 0;
    return scratch;
  }

  /**
   * Moves over the next logical record without reading its payload into memory: every part
   * header is read and checked as {@link #next()} checks it, and the payloads are skipped (inside
   * the buffer, else by seeking the stream). Counting a part's records this way copies nothing.
   *
   * @return false at the end of the file (nothing skipped), else true
   * @throws FormatException on a bad magic, a truncated part, a cflag sequence violation, or a
   *     length running past the end of the file
   */
  public boolean skip() throws IOException {
    ensureOpen();
    long head = tell();
    boolean inSplit = false;
    while (true) {
      long partAt = tell();
      int lrec = partHeader(head, inSplit);
      if (lrec < 0) {
        return false;
      }
      int cflag = RecordIO.cflag(lrec);
      long padded = RecordIO.ceil4(RecordIO.length(lrec));
      long target = partAt + RecordIO.HEADER_BYTES + padded;
      if (fileLength < 0 || limit - pos >= padded) {
        // an unknown length must be walked byte by byte to find where the stream really ends
        skipPayload(padded, partAt);
      } else {
        seek(target);
      }
      if (cflag == RecordIO.CFLAG_WHOLE || cflag == RecordIO.CFLAG_LAST) {
        lastRecordOffset = head;
        return true;
      }
      inSplit = true;
    }
  }

  /**
   * Reads and checks the header of the part at {@link #tell()} and moves past it.
   *
   * @param head offset of the record's first part, for messages
   * @param inSplitRecord whether a split record's later part is expected
   * @return the part's lrec word (non-negative), or -1 at a clean end of the file
   */
  private int partHeader(long head, boolean inSplitRecord) throws IOException {
    long partAt = tell();
    int avail = ensureAvailable(RecordIO.HEADER_BYTES);
    if (avail == 0 && !inSplitRecord) {
      return -1;
    }
    if (avail < RecordIO.HEADER_BYTES) {
      throw new FormatException(name, partAt, avail == 0
          ? "the file ends inside the split record that began at offset " + head
              + " (expected a part with cflag 2 or 3)"
          : "truncated part header: only " + avail + " of 8 bytes before the end of the file");
    }
    int magic = intLE(buf, pos);
    int lrec = intLE(buf, pos + 4);
    if (magic != RecordIO.MAGIC) {
      throw new FormatException(name, partAt, String.format(
          "bad magic 0x%08X (expected 0x%08X): not a RecordIO part head", magic, RecordIO.MAGIC));
    }
    int cflag = RecordIO.cflag(lrec);
    int length = RecordIO.length(lrec);
    checkCflag(cflag, inSplitRecord, head, partAt);
    long padded = RecordIO.ceil4(length);
    if (fileLength >= 0 && partAt + RecordIO.HEADER_BYTES + padded > fileLength) {
      throw new FormatException(name, partAt, "part length " + length + " (padded " + padded
          + ") runs past the end of the file (size " + fileLength + ")");
    }
    pos += RecordIO.HEADER_BYTES;
    return lrec;
  }

  /** Moves over {@code n} payload bytes through the buffer (they are read, not kept). */
  private void skipPayload(long n, long partAt) throws IOException {
    long remaining = n;
    while (remaining > 0) {
      int avail = ensureAvailable(1);
      if (avail == 0) {
        throw new FormatException(name, partAt, "truncated part: payload and padding of " + n
            + " bytes, but the file ends at offset " + tell());
      }
      int step = (int) Math.min(avail, remaining);
      pos += step;
      remaining -= step;
    }
  }

  /**
   * Moves forward from the current (4-aligned) position to the next record head: an aligned magic
   * followed by an lrec with cflag 0 or 1 (dmlc's {@code SeekRecordBegin}). If there is none before
   * the end of the file, the position becomes the end of the file.
   *
   * @return the new position
   * @throws FormatException if the file ends right after a magic word
   */
  public long seekToNextHead() throws IOException {
    ensureOpen();
    if (tell() % 4 != 0) {
      throw new IllegalStateException(name + ": resync must start at an aligned offset, not "
          + tell());
    }
    while (true) {
      long at = tell();
      int avail = ensureAvailable(8);
      if (avail < 4) {
        if (avail > 0) {
          throw new FormatException(name, at, "the file size is not a multiple of 4");
        }
        return at;
      }
      if (intLE(buf, pos) == RecordIO.MAGIC) {
        if (avail < 8) {
          throw new FormatException(name, at, "the file ends right after a magic word");
        }
        if (RecordIO.startsRecord(RecordIO.cflag(intLE(buf, pos + 4)))) {
          return at;
        }
        pos += 8;
      } else {
        pos += 4;
      }
    }
  }

  private void checkCflag(int cflag, boolean inSplitRecord, long head, long partAt)
      throws FormatException {
    if (cflag > RecordIO.CFLAG_LAST) {
      throw new FormatException(name, partAt, "invalid cflag " + cflag + " (must be 0..3)");
    }
    if (!inSplitRecord && !RecordIO.startsRecord(cflag)) {
      throw new FormatException(name, partAt, "part with cflag " + cflag
          + " continues a split record, but no first part (cflag 1) precedes it");
    }
    if (inSplitRecord && RecordIO.startsRecord(cflag)) {
      throw new FormatException(name, partAt, "part with cflag " + cflag
          + " inside the split record that began at offset " + head
          + " (expected cflag 2 or 3)");
    }
  }

  private byte[] readPayload(int length, long partAt) throws IOException {
    if (fileLength >= 0 || length <= UNTRUSTED_CHUNK) {
      byte[] data = new byte[length];
      int got = readFully(data, 0, length);
      if (got < length) {
        throw truncatedPayload(partAt, length);
      }
      return data;
    }
    ByteSink sink = new ByteSink(UNTRUSTED_CHUNK);
    readPayloadInto(sink, length, partAt);
    return sink.toArray();
  }

  private void readPayloadInto(ByteSink sink, int length, long partAt) throws IOException {
    int remaining = length;
    while (remaining > 0) {
      // With a known (checked) file length the whole part can be reserved at once; otherwise grow
      // in bounded steps so a corrupt length cannot allocate more than the data that exists.
      int step = fileLength >= 0 ? remaining : Math.min(remaining, UNTRUSTED_CHUNK);
      sink.reserve(step);
      int got = readFully(sink.bytes, sink.size, step);
      sink.size += got;
      if (got < step) {
        throw truncatedPayload(partAt, length);
      }
      remaining -= step;
    }
  }

  private FormatException truncatedPayload(long partAt, int length) {
    return new FormatException(name, partAt, "truncated part: payload of " + length
        + " bytes, but the file ends at offset " + tell());
  }

  private void skipPadding(int length, long partAt) throws IOException {
    int pad = (int) (RecordIO.ceil4(length) - length);
    if (pad > 0 && ensureAvailable(pad) < pad) {
      throw new FormatException(name, partAt, "truncated part: the padding after the " + length
          + "-byte payload is missing (file ends at offset " + (tell() + limit - pos) + ")");
    }
    pos += pad;
  }

  /** Makes at least {@code n} (<= buffer size, <= 16) bytes available unless at EOF. */
  private int ensureAvailable(int n) throws IOException {
    if (limit - pos >= n) {
      return limit - pos;
    }
    if (windows != null) {
      return nextWindow(n);
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    while (limit < n) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        break;
      }
      limit += r;
      streamPos += r;
    }
    return limit - pos;
  }

  /**
   * Window mode: parses on in the stream's next chunk, or, where the {@code n} bytes wanted cross
   * from one chunk into the next, joins them in {@code carry} (the stream then continues after
   * them).
   */
  private int nextWindow(int n) throws IOException {
    if (limit == pos) {
      ByteBuffer w = windows.window(Integer.MAX_VALUE);
      buf = w.array();
      base = w.arrayOffset();
      pos = base;
      limit = base + w.remaining();
      streamPos = windows.getPos();
      if (limit - pos >= n || limit == pos) {
        return limit - pos;
      }
    }
    int r = limit - pos;
    System.arraycopy(buf, pos, carry, 0, r);
    buf = carry;
    base = 0;
    pos = 0;
    limit = r;
    while (limit < n) {
      ByteBuffer w = windows.window(n - limit);
      if (!w.hasRemaining()) {
        break;
      }
      int got = w.remaining();
      w.get(carry, limit, got);
      limit += got;
    }
    streamPos = windows.getPos();
    return limit - pos;
  }

  /** Reads up to {@code len} bytes; fewer only at the end of the stream. */
  private int readFully(byte[] dst, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      if (pos < limit) {
        int n = Math.min(limit - pos, len - done);
        System.arraycopy(buf, pos, dst, off + done, n);
        pos += n;
        done += n;
      } else if (windows == null && len - done >= buf.length) {
        // Large payloads bypass the buffer: one copy instead of two.
        int r = in.read(dst, off + done, len - done);
        if (r < 0) {
          break;
        }
        streamPos += r;
        done += r;
      } else if (ensureAvailable(1) == 0) {
        break;
      }
    }
    return done;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("RecordIOReader of " + name + " is closed");
    }
  }

  static int intLE(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16
        | (b[i + 3] & 0xFF) << 24;
  }

  /** Closes the stream; idempotent. */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      in.close();
    }
  }

  /** A growable byte array for joining the parts of a split record. */
  private static final class ByteSink {
    byte[] bytes;
    int size;

    ByteSink(int capacity) {
      bytes = new byte[Math.max(capacity, 16)];
    }

    void reserve(int extra) {
      long need = (long) size + extra;
      if (need > bytes.length) {
        long grown = Math.max(need, Math.min((long) bytes.length * 2, RecordIO.MAX_RECORD_LENGTH));
        bytes = Arrays.copyOf(bytes, (int) grown);
      }
    }

    void appendMagic() {
      reserve(4);
      bytes[size] = (byte) 0x0A;
      bytes[size + 1] = (byte) 0x23;
      bytes[size + 2] = (byte) 0xD7;
      bytes[size + 3] = (byte) 0xCE;
      size += 4;
    }

    /** The joined bytes, not copied. */
    ByteBuffer view() {
      return ByteBuffer.wrap(bytes, 0, size);
    }

    byte[] toArray() {
      return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
  }
}
