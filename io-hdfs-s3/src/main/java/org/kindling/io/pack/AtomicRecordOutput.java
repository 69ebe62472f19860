package org.kindling.io.pack;

import java.io.Closeable;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.kindling.io.HadoopFiles;
import org.kindling.io.recordio.IndexedRecordIOWriter;

/**
 * Writes {@code <prefix>.rec} and {@code <prefix>.idx} through temporary files in the same
 * directory (hidden names, so directory URIs never pick them up) and renames them into place on
 * {@link #commit()}. Closing without committing deletes the temporary files, so a failed pack
 * leaves any previous output untouched and no partial output behind.
 */
final class AtomicRecordOutput implements Closeable {
  private final FileSystem fs;
  private final Path rec;
  private final Path idx;
  private final Path tmpRec;
  private final Path tmpIdx;
  private final IndexedRecordIOWriter writer;
  private boolean finished;

  private AtomicRecordOutput(FileSystem fs, Path rec, Path idx, Path tmpRec, Path tmpIdx,
      IndexedRecordIOWriter writer) {
    this.fs = fs;
    this.rec = rec;
    this.idx = idx;
    this.tmpRec = tmpRec;
    this.tmpIdx = tmpIdx;
    this.writer = writer;
  }

  /** Creates the temporary files for {@code <prefix>.rec} and {@code <prefix>.idx}. */
  static AtomicRecordOutput create(Path prefix, Configuration conf) throws IOException {
    FileSystem fs = HadoopFiles.fileSystem(prefix, conf);
    Path qualified = fs.makeQualified(prefix);
    Path parent = qualified.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("output prefix " + prefix + " has no parent directory");
    }
    fs.mkdirs(parent);
    String base = qualified.getName();
    String tag = UUID.randomUUID().toString();
    Path rec = new Path(parent, base + ".rec");
    Path idx = new Path(parent, base + ".idx");
    Path tmpRec = new Path(parent, "." + base + ".rec." + tag + ".tmp");
    Path tmpIdx = new Path(parent, "." + base + ".idx." + tag + ".tmp");
    var recOut = fs.create(tmpRec, false);
    try {
      var idxOut = fs.create(tmpIdx, false);
      return new AtomicRecordOutput(fs, rec, idx, tmpRec, tmpIdx,
          new IndexedRecordIOWriter(recOut, idxOut));
    } catch (IOException | RuntimeException e) {
      recOut.close();
      fs.delete(tmpRec, false);
      throw e;
    }
  }

  /** The writer for records and index lines. */
  IndexedRecordIOWriter writer() {
    return writer;
  }

  /** The final {@code .rec} path. */
  Path recPath() {
    return rec;
  }

  /** The final {@code .idx} path. */
  Path idxPath() {
    return idx;
  }

  /**
   * Closes the temporary files and renames them over the final names. The {@code .idx} is renamed
   * last, so an index never exists without its {@code .rec}.
   */
  void commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("output " + rec + " was already committed or closed");
    }
    writer.close();
    replace(tmpRec, rec);
    replace(tmpIdx, idx);
    finished = true;
  }

  private void replace(Path from, Path to) throws IOException {
    // Hadoop's rename does not overwrite: remove an older output first.
    if (fs.exists(to) && !fs.delete(to, false)) {
      throw new IOException("cannot delete the existing " + to + " to replace it");
    }
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  /** If not committed, closes and deletes the temporary files; idempotent. */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      writer.close();
    } finally {
      fs.delete(tmpRec, false);
      fs.delete(tmpIdx, false);
    }
  }
}
