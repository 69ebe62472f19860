package org.kindling.io.recordio;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes logical records as RecordIO parts, byte for byte as dmlc's {@code RecordIOWriter}
 * ({@code formats.md} §1.2): a record containing {@code k} magics at 4-aligned offsets becomes
 * {@code k+1} parts with cflags {@code 1, 2, ..., 2, 3} (the magics themselves are dropped and
 * re-inserted by the reader); other records are one part with cflag 0. Each part is zero-padded to
 * a multiple of 4 bytes.
 *
 * <p>Not thread-safe. Closing the writer closes the stream.
 */
public final class RecordIOWriter implements Closeable, Flushable {
  private static final byte[] ZEROS = new byte[4];

  private final OutputStream out;
  private final byte[] header = new byte[RecordIO.HEADER_BYTES];
  private long position;
  private long splitMagics;
  private boolean closed;

  /** A writer whose first byte goes to offset 0 of a new file. */
  public RecordIOWriter(OutputStream out) {
    this(out, 0);
  }

  /**
   * A writer appending to a stream that is already at byte {@code startOffset} of its file, so
   * that {@link #tell()} reports file offsets.
   *
   * @throws IllegalArgumentException if {@code startOffset} is negative or not a multiple of 4
   */
  public RecordIOWriter(OutputStream out, long startOffset) {
    Objects.requireNonNull(out, "out");
    if (startOffset < 0 || startOffset % 4 != 0) {
      throw new IllegalArgumentException(
          "start offset " + startOffset + " must be a non-negative multiple of 4");
    }
    this.out = new BufferedOutputStream(out, 1 << 16);
    this.position = startOffset;
  }

  /** The file offset where the next record's first part will start (what {@code .idx} stores). */
  public long tell() {
    return position;
  }

  /** How many aligned magics inside payloads the writer has split on (dmlc's except_counter). */
  public long splitMagicCount() {
    return splitMagics;
  }

  /** Writes one logical record. */
  public void write(byte[] record) throws IOException {
    write(record, 0, record.length);
  }

  /**
   * Writes {@code record[off, off+len)} as one logical record.
   *
   * @throws IllegalArgumentException if {@code len >= 2^29} (the length field has 29 bits)
   */
  public void write(byte[] record, int off, int len) throws IOException {
    if (len >= RecordIO.MAX_RECORD_LENGTH) {
      throw new IllegalArgumentException(
          "record of " + len + " bytes is too long: RecordIO records must be shorter than 2^29 ("
              + RecordIO.MAX_RECORD_LENGTH + ") bytes");
    }
    Objects.checkFromIndexSize(off, len, record.length);
    if (closed) {
      throw new IllegalStateException("RecordIOWriter is closed");
    }
    // Alignment is relative to the record start because every part's payload starts aligned.
    int dptr = 0;
    int alignedEnd = len & ~3;
    for (int i = 0; i < alignedEnd; i += 4) {
      if (RecordIO.isMagicAt(record, off + i)) {
        writePart(dptr == 0 ? RecordIO.CFLAG_FIRST : RecordIO.CFLAG_MIDDLE, record, off + dptr,
            i - dptr);
        splitMagics++;
        dptr = i + 4;
      }
    }
    writePart(dptr == 0 ? RecordIO.CFLAG_WHOLE : RecordIO.CFLAG_LAST, record, off + dptr,
        len - dptr);
  }

  private void writePart(int cflag, byte[] data, int off, int len) throws IOException {
    putIntLE(header, 0, RecordIO.MAGIC);
    putIntLE(header, 4, RecordIO.lrec(cflag, len));
    out.write(header);
    out.write(data, off, len);
    int pad = (int) (RecordIO.ceil4(len) - len);
    out.write(ZEROS, 0, pad);
    position += RecordIO.HEADER_BYTES + len + pad;
  }

  private static void putIntLE(byte[] b, int i, int v) {
    b[i] = (byte) v;
    b[i + 1] = (byte) (v >>> 8);
    b[i + 2] = (byte) (v >>> 16);
    b[i + 3] = (byte) (v >>> 24);
  }

  /** Flushes buffered parts to the underlying stream. */
  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Flushes and closes the underlying stream; idempotent. */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      out.close();
    }
  }
}
