package org.kindling.spark.recordio;

import java.io.IOException;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.catalyst.InternalRow;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.spark.HadoopConfHolder;
import org.kindling.spark.HadoopFiles;

/**
 * Writes one Spark partition as the two files of {@code part-NNNNN} (a {@code .rec} and MXNet's
 * {@code .idx}, {@code key\toffset}) into the job's staging directory (a hidden {@code
 * _temporary-<job>} inside the output directory). Both are written under temporary names and
 * renamed to their part names when the task succeeds; the driver moves them to the output
 * directory once every task succeeded ({@link RecordIOWriteJob}). A failing task deletes its
 * temporary files, so no partial file ever appears under a final name. Returns the partition's
 * record count.
 */
final class PartFileWriter implements Function2<Integer, Iterator<InternalRow>,
    Iterator<Long>> {
  private static final long serialVersionUID = 1L;

  private final String staging;
  private final int firstPart;
  private final RecordPacker packer;
  private final HadoopConfHolder conf;

  /**
   * @param staging the job's staging directory
   * @param firstPart the number of partition 0's files (past existing parts when appending)
   */
  PartFileWriter(String staging, int firstPart, RecordPacker packer, HadoopConfHolder conf) {
    this.staging = staging;
    this.firstPart = firstPart;
    this.packer = packer;
    this.conf = conf;
  }

  /** The base name of part {@code n}: {@code part-%05d}. */
  static String partName(int n) {
    return String.format("part-%05d", n);
  }


  @Override
  public Iterator<Long> call(Integer partition, Iterator<InternalRow> rows) throws IOException {
    String base = partName(firstPart + partition);
    Path parent = new Path(staging);
    FileSystem fs = HadoopFiles.fileSystem(parent, conf.get());
    String attempt = "." + UUID.randomUUID() + ".tmp";
    Path tmpRec = new Path(parent, "." + base + ".rec" + attempt);
    Path tmpIdx = new Path(parent, "." + base + ".idx" + attempt);
    boolean committed = false;
    try {
      long count = 0;
      FSDataOutputStream recOut = create(fs, tmpRec, null);
      try (IndexedRecordIOWriter w = new IndexedRecordIOWriter(recOut, create(fs, tmpIdx, recOut))) {
        while (rows.hasNext()) {
          InternalRow row = rows.next();
          String where = base + ".rec, record " + count;
          w.write(packer.key(row, count), packer.pack(row, where));
          count++;
        }
      }
      replace(fs, tmpRec, new Path(parent, base + ".rec"));
      replace(fs, tmpIdx, new Path(parent, base + ".idx"));
      committed = true;
      return java.util.List.of(count).iterator();
    } finally {
      if (!committed) {
        deleteQuietly(fs, tmpRec);
        deleteQuietly(fs, tmpIdx);
      }
    }
  }

  /**
   * Creates {@code p} without creating its directory: a task that starts after the job was
   * aborted (and its staging directory deleted) fails instead of leaving files behind.
   *
   * @param opened a stream to close if this fails, or null
   */
  private static FSDataOutputStream create(FileSystem fs, Path p, FSDataOutputStream opened)
      throws IOException {
    try {
      return fs.createNonRecursive(p, false, 1 << 16, fs.getDefaultReplication(p),
          fs.getDefaultBlockSize(p), null);
    } catch (IOException | RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      throw e;
    }
  }

  /** Renames {@code from} to {@code to}, replacing a file an earlier attempt committed. */
  static void replace(FileSystem fs, Path from, Path to) throws IOException {
    if (fs.exists(to) && !fs.delete(to, false)) {
      throw new IOException("cannot delete " + to + " (left by an earlier attempt) to replace it");
    }
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  private static void deleteQuietly(FileSystem fs, Path p) {
    try {
      fs.delete(p, false);
    } catch (IOException ignored) {
      // the task's own failure is the one to report
    }
  }
}
