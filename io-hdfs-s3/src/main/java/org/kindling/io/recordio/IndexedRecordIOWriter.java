package org.kindling.io.recordio;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes a {@code .rec} and its {@code .idx} together, as MXNet's {@code
 * MXIndexedRecordIO.write_idx}: each record's index line holds the writer's {@link
 * RecordIOWriter#tell()} before the record. Closing closes both streams.
 */
public final class IndexedRecordIOWriter implements Closeable {
  private final RecordIOWriter rec;
  private final Writer idx;
  private boolean closed;

  /**
   * @param rec stream receiving the {@code .rec} bytes, at file offset 0
   * @param idx stream receiving the {@code .idx} text
   */
  public IndexedRecordIOWriter(OutputStream rec, OutputStream idx) {
    this.rec = new RecordIOWriter(Objects.requireNonNull(rec, "rec"));
    this.idx = new BufferedWriter(
        new OutputStreamWriter(Objects.requireNonNull(idx, "idx"), StandardCharsets.UTF_8));
  }

  /**
   * Writes {@code record} and the index line {@code key\t<offset>}.
   *
   * @param key the index key (no tabs, line breaks or surrounding whitespace)
   * @param record the logical record
   * @return the offset of the record's first part
   */
  public long write(String key, byte[] record) throws IOException {
    RecordIndex.checkKey(key);
    long offset = rec.tell();
    rec.write(record);
    RecordIndex.appendLine(idx, key, offset);
    return offset;
  }

  /** As {@link #write(String, byte[])} with an integer key (MXNet's default {@code int} keys). */
  public long write(long key, byte[] record) throws IOException {
    return write(Long.toString(key), record);
  }

  /** The underlying RecordIO writer (for {@code tell()} and the split counter). */
  public RecordIOWriter recordWriter() {
    return rec;
  }

  /** Flushes and closes both files; idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      rec.close();
    } finally {
      idx.close();
    }
  }
}
