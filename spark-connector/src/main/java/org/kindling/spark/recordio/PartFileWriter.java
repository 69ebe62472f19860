package org.kindling.spark.recordio;

import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.catalyst.InternalRow;
import org.kindling.io.pack.AtomicRecordOutput;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.io.source.ByteStores;
import org.kindling.spark.HadoopConfHolder;

/**
 * Writes one Spark partition as the two files of {@code part-NNNNN-<job id>} ({@link PartName}:
 * a {@code .rec} and MXNet's
 * {@code .idx}, {@code key\toffset}) into {@code dir}: the job's staging directory where renames
 * are cheap, the task's work path of a {@link MagicCommit} on s3a, else the output directory
 * itself ({@link RecordIOWriteJob}). The pair is an {@link
 * AtomicRecordOutput}, the packers' own: each file an {@code AtomicOutput} of its store (decision
 * 0021), a temporary name renamed on commit on HDFS and local files, a direct write published on
 * commit on s3a and S3 (a PUT, or a multipart upload completed at commit); both are committed,
 * {@code .rec} first, only after the last row and only if Spark has not cancelled the task, and a
 * failing task aborts both, so no partial file ever appears under a final name. Returns the
 * partition's record count.
 */
final class PartFileWriter implements Function2<Integer, Iterator<InternalRow>,
    Iterator<Long>> {
  private static final long serialVersionUID = 3L;

  private final String dir;
  private final boolean staging;
  private final MagicCommit magic;
  private final int firstPart;
  private final String jobId;
  private final RecordPacker packer;
  private final HadoopConfHolder conf;

  /**
   * @param dir where the files go (unused with {@code magic})
   * @param staging whether {@code dir} is the job's staging directory, which must exist: a task
   *     that starts after the job was aborted (and its staging directory deleted) fails
   * @param magic the job's magic commit, whose task work path the files go to; or null
   * @param firstPart the number of partition 0's files (past existing parts when appending)
   * @param jobId the write job's id, in every file name
   */
  PartFileWriter(String dir, boolean staging, MagicCommit magic, int firstPart, String jobId,
      RecordPacker packer, HadoopConfHolder conf) {
    this.dir = dir;
    this.staging = staging;
    this.magic = magic;
    this.firstPart = firstPart;
    this.jobId = jobId;
    this.packer = packer;
    this.conf = conf;
  }

  @Override
  public Iterator<Long> call(Integer partition, Iterator<InternalRow> rows) throws IOException {
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
      Iterator<Long> count = write(task.workPath(), base, rows);
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

  private Iterator<Long> write(Path parent, String base, Iterator<InternalRow> rows)
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
      // a task Spark cancelled (its job failed) publishes nothing: where files are published in
      // place (native S3) a commit after the job's abort would leave a part of a failed job
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.killTaskIfInterrupted();
      }
      out.commit();
      return java.util.List.of(count).iterator();
    }
  }
}
