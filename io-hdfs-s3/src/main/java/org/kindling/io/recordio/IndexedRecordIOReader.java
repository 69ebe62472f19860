package org.kindling.io.recordio;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.kindling.io.HadoopFiles;
import org.kindling.tensor.FormatException;

/**
 * Random access to a {@code .rec} through its {@code .idx}, as MXNet's {@code
 * MXIndexedRecordIO.read_idx}: look up the key's offset, seek, read one record. Not thread-safe.
 */
public final class IndexedRecordIOReader implements Closeable {
  private final RecordIndex index;
  private final RecordIOReader reader;

  private IndexedRecordIOReader(RecordIndex index, RecordIOReader reader) {
    this.index = index;
    this.reader = reader;
  }

  /**
   * Opens {@code rec} and reads {@code idx} through their Hadoop file systems.
   *
   * @throws FormatException if the index is malformed or points outside the {@code .rec}
   */
  public static IndexedRecordIOReader open(Path idx, Path rec, Configuration conf)
      throws IOException {
    FileSystem idxFs = HadoopFiles.fileSystem(idx, conf);
    RecordIndex index;
    try (InputStream in = idxFs.open(idx)) {
      index = RecordIndex.read(in, idx.toString());
    }
    RecordIOReader reader = RecordIOReader.open(HadoopFiles.fileSystem(rec, conf), rec,
        RecordIOReader.DEFAULT_BUFFER_SIZE);
    for (RecordIndex.Entry e : index.entries()) {
      if (e.offset() % 4 != 0 || e.offset() >= reader.fileLength()) {
        reader.close();
        throw new FormatException(idx.toString(), -1, "key '" + e.key() + "' has offset "
            + e.offset() + ", which is not an aligned offset inside " + rec + " (size "
            + reader.fileLength() + ")");
      }
    }
    return new IndexedRecordIOReader(index, reader);
  }

  /** The keys in index-file order. */
  public List<String> keys() {
    return index.keys();
  }

  /** The parsed index. */
  public RecordIndex index() {
    return index;
  }

  /**
   * The record stored under {@code key}.
   *
   * @throws IllegalArgumentException if the key is not in the index
   * @throws FormatException if the record at the indexed offset is corrupt
   */
  public byte[] read(String key) throws IOException {
    reader.seek(index.offsetOf(key));
    byte[] record = reader.next();
    if (record == null) {
      throw new FormatException(reader.name(), index.offsetOf(key),
          "no record at the offset indexed for key '" + key + "'");
    }
    return record;
  }

  /** As {@link #read(String)} with an integer key. */
  public byte[] read(long key) throws IOException {
    return read(Long.toString(key));
  }

  /** Closes the {@code .rec} stream. */
  @Override
  public void close() throws IOException {
    reader.close();
  }
}
