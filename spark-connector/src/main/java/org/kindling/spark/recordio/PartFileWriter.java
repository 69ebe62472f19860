package org.kindling.spark.recordio;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.catalyst.InternalRow;
import org.kindling.io.pack.AtomicRecordOutput;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.PendingFile;
import org.kindling.spark.HadoopConfHolder;

/**
 * Writes one Spark partition as the two files of {@code part-NNNNN-<job id>} ({@link PartName}:
 * a {@code .rec} and MXNet's
 * {@code .idx}, {@code key\toffset}) into {@code dir}: the job's staging directory where renames
 * are cheap, the task's work path of a {@link MagicCommit} on s3a, else the output directory
 * itself ({@link RecordIOWriteJob}). The pair is an {@link
 * AtomicRecordOutput}, the packers' own: each file an {@code AtomicOutput} of its store (decision
 * 0021), a temporary name renamed on commit on HDFS and local files, a direct write published on
 * commit on s3a (a PUT, or a multipart upload completed at commit); on native S3 under a {@link
 * PreparedCommit} both are prepared instead (multipart uploads left for the job commit to
 * complete). Both are committed or prepared, {@code .rec} first, only after the last row and only
 * if Spark has not cancelled the task, and a failing task aborts both, so no partial file ever
 * appears under a final name. Returns the partition's record count and any prepared files.
 */
final class PartFileWriter implements Function2<Integer, Iterator<InternalRow>,
    Iterator<PartFileWriter.Written>> {
  private static final long serialVersionUID = 4L;

  /**
   * What a task wrote: its record count and, under a {@link PreparedCommit}, its two prepared
   * files ({@code .rec}, {@code .idx}) for the job commit. Plain fields and an array, so any
   * serializer a Spark job configures for task results carries it.
   */
  static final class Written implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long records;
    private final PendingFile[] prepared;

    Written(long records, List<PendingFile> prepared) {
      this.records = records;
      this.prepared = prepared.toArray(new PendingFile[0]);
    }

    long records() {
      return records;
    }

    /** The prepared files, {@code .rec} first; empty unless under a {@link PreparedCommit}. */
    List<PendingFile> prepared() {
      return List.of(prepared);
    }
  }

  private final String dir;
  private final boolean staging;
  private final MagicCommit magic;
  private final PreparedCommit prepared;
  private final int firstPart;
  private final String jobId;
  private final RecordPacker packer;
  private final HadoopConfHolder conf;

  /**
   * @param dir where the files go (unused with {@code magic})
   * @param staging whether {@code dir} is the job's staging directory, which must exist: a task
   *     that starts after the job was aborted (and its staging directory deleted) fails
   * @param magic the job's magic commit, whose task work path the files go to; or null
   * @param prepared the job's prepared commit, which the files are prepared for instead of
   *     committed (into {@code dir}, the output directory); or null
   * @param firstPart the number of partition 0's files (past existing parts when appending)
   * @param jobId the write job's id, in every file name
   */
  PartFileWriter(String dir, boolean staging, MagicCommit magic, PreparedCommit prepared,
      int firstPart, String jobId, RecordPacker packer, HadoopConfHolder conf) {
    this.dir = dir;
    this.staging = staging;
    this.magic = magic;
    this.prepared = prepared;
    this.firstPart = firstPart;
    this.jobId = jobId;
    this.packer = packer;
    this.conf = conf;
  }

  @Override
  public Iterator<Written> call(Integer partition, Iterator<InternalRow> rows)
      throws IOException {
    String base = new PartName(firstPart + partition, jobId).base();
    if (magic == null) {
      Path parent = new Path(dir);
      if (staging && ByteStores.forPath(parent, conf.get()).stat(parent) == null) {
        throw new IOException("the staging directory " + parent + " is gone: the write job was"
            + " aborted, so this task writes nothing");
      }
      return write(parent, base, rows);
    }
    MagicCommit.TaskCommit task = magic.setupTask(partition, TaskContext.get().attemptNumber());
    try {
      Iterator<Written> count = write(task.workPath(), base, rows);
      // a task Spark cancelled (its job failed) aborts its uploads instead of committing them
      TaskContext.get().killTaskIfInterrupted();
      task.commit();
      return count;
    } catch (IOException | RuntimeException e) {
      // Spark interrupts the thread of a task it cancels, often inside the commit: with the flag
      // set, S3A's abort fails at its first wait and deletes the task's records of its uploads
      // anyway, so nothing would abort them. The abort runs uninterrupted; the flag is restored.
      boolean interrupted = Thread.interrupted();
      try {
        task.abort();
      } catch (IOException abort) {
        e.addSuppressed(abort);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      throw e;
    }
  }

  private Iterator<Written> write(Path parent, String base, Iterator<InternalRow> rows)
      throws IOException {
    try (AtomicRecordOutput out = AtomicRecordOutput.create(new Path(parent, base), conf.get())) {
      long count = 0;
      IndexedRecordIOWriter w = out.writer();
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        String where = base + ".rec, record " + count;
        w.write(packer.key(row, count), packer.pack(row, where));
        count++;
      }
      // a task Spark cancelled (its job failed) publishes or prepares nothing: where files are
      // published in place (s3a without the magic committer) a commit after the job's abort
      // would leave a part of a failed job, and an upload prepared after it would stay pending
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.killTaskIfInterrupted();
      }
      if (prepared != null) {
        return List.of(new Written(count, prepared.prepareTask(out))).iterator();
      }
      out.commit();
      return List.of(new Written(count, List.of())).iterator();
    }
  }
}
