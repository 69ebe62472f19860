package org.kindling.io.pack;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.io.source.AtomicOutput;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.PendingFile;

/**
 * Writes {@code <prefix>.rec} and {@code <prefix>.idx} as two {@link AtomicOutput}s of the
 * prefix's store (a temporary name renamed into place on HDFS and local files, an upload completed
 * at the end on S3) and publishes both on {@link #commit()}. Closing without committing aborts
 * both, so a failed pack leaves any previous output untouched and no partial output behind.
 */
public final class AtomicRecordOutput implements Closeable {
  private final ByteStore store;
  private final Path rec;
  private final Path idx;
  private final AtomicOutput recOut;
  private final AtomicOutput idxOut;
  private final IndexedRecordIOWriter writer;
  private boolean finished;

  private AtomicRecordOutput(ByteStore store, Path rec, Path idx, AtomicOutput recOut,
      AtomicOutput idxOut) {
    this.store = store;
    this.rec = rec;
    this.idx = idx;
    this.recOut = recOut;
    this.idxOut = idxOut;
    this.writer = new IndexedRecordIOWriter(recOut.stream(), idxOut.stream());
  }

  /** Starts the outputs for {@code <prefix>.rec} and {@code <prefix>.idx}. */
  public static AtomicRecordOutput create(Path prefix, Configuration conf) throws IOException {
    ByteStore store = ByteStores.forPath(prefix, conf);
    Path qualified = store.qualify(prefix);
    Path parent = qualified.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("output prefix " + prefix + " has no parent directory");
    }
    Path rec = new Path(parent, qualified.getName() + ".rec");
    Path idx = new Path(parent, qualified.getName() + ".idx");
    AtomicOutput recOut = store.create(rec);
    try {
      return new AtomicRecordOutput(store, rec, idx, recOut, store.create(idx));
    } catch (IOException | RuntimeException e) {
      recOut.close();
      throw e;
    }
  }

  /** The writer for records and index lines. */
  public IndexedRecordIOWriter writer() {
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
   * Publishes the {@code .rec}, then the {@code .idx}, so an index never exists without its
   * records.
   */
  public void commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("output " + rec + " was already committed or closed");
    }
    finished = true;
    try {
      writer.close();
      recOut.commit();
      idxOut.commit();
    } finally {
      abort();
    }
  }

  /**
   * Stores both files without publishing them ({@link AtomicOutput#prepare()}): the {@code .rec}'s
   * pending file, then the {@code .idx}'s, for the store's {@link ByteStore#complete} to publish
   * in that order later, perhaps in another JVM. If either cannot be stored, neither is left.
   *
   * @throws UnsupportedOperationException if the store cannot ({@link
   *     ByteStore#completesPrepared}); both outputs are then aborted
   */
  public List<PendingFile> prepare() throws IOException {
    if (finished) {
      throw new IllegalStateException("output " + rec + " was already committed or closed");
    }
    finished = true;
    PendingFile recPending = null;
    try {
      writer.close();
      recPending = recOut.prepare();
      return List.of(recPending, idxOut.prepare());
    } catch (IOException | RuntimeException e) {
      if (recPending != null) {
        try {
          store.abort(recPending);
        } catch (IOException | RuntimeException abort) {
          e.addSuppressed(abort);
        }
      }
      throw e;
    } finally {
      abort();
    }
  }

  /** If not committed, aborts both outputs; idempotent. */
  @Override
  public void close() throws IOException {
    if (!finished) {
      finished = true;
      try {
        writer.close();
      } finally {
        abort();
      }
    }
  }

  /** Aborts whatever is not yet published (a no-op on a committed output). */
  private void abort() throws IOException {
    try {
      recOut.close();
    } finally {
      idxOut.close();
    }
  }
}
