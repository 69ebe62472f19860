package org.kindling.spark.recordio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.JobExecutionStatus;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.kindling.spark.HadoopConfHolder;

/**
 * Writes a DataFrame as RecordIO: each Spark partition becomes {@code part-NNNNN-<job id>.rec}
 * + {@code .idx} in the output directory ({@link PartFileWriter}, {@link PartName}), then an
 * empty {@code _SUCCESS} marks the job done. Columns: {@code data} (binary, required); with
 * {@code header=true} also the optional {@code label} (numeric), {@code labels} (array of
 * numeric) and {@code id} (integral), packed as {@link RecordPacker} says; other columns (such as
 * {@code file} and {@code offset} of a read) are ignored.
 *
 * <p>Save modes as Spark's file sources: {@code errorifexists} (default) refuses an existing
 * path, {@code ignore} leaves it alone and writes nothing, {@code overwrite} deletes it first,
 * {@code append} adds parts numbered after the highest existing part. The job's id in every
 * name it writes (a random UUID, as Spark's {@code FileFormatWriter} puts in its names) keeps
 * two jobs appending into one directory at once apart: both number their parts after those
 * visible when they start, so their numbers may be the same, their names never are, and neither
 * replaces nor deletes a file of the other.
 *
 * <p>Commit (decisions 0024, 0034, 0061): every file is written through its store's {@link
 * org.kindling.io.source.AtomicOutput}, so no partial file ever has a final name, and the way a
 * job makes its parts appear is chosen here, per store, in {@link #write}:
 *
 * <ul>
 *   <li>where renames are cheap (HDFS, local files) tasks write into a hidden staging directory
 *       and the driver renames their files into place only after all of them succeeded;
 *   <li>on the native {@code s3://} store, which completes prepared files ({@link
 *       PreparedCommit}), tasks leave their parts as uncompleted multipart uploads and hand them
 *       to the driver, whose job commit completes them all;
 *   <li>on s3a, through S3A's magic committer ({@link MagicCommit}): the same, with the uploads
 *       recorded by S3A under the job's magic directory;
 *   <li>on another object store (s3a without that committer), tasks publish their parts directly
 *       under their final names at task commit, each whole or not at all.
 * </ul>
 *
 * <p>In the first three nothing is visible under a final name before the job commits. {@code
 * _SUCCESS} marks the job done. A failed job aborts what its tasks staged or prepared and deletes
 * any part it published, after its cancelled tasks have ended. The driver's directory work goes
 * through the directory's byte store ({@link OutputDirectory}), so native {@code s3://}, which no
 * Hadoop file system reaches, works as the others do.
 */
final class RecordIOWriteJob {
  /** How long a failed job waits for its cancelled tasks to end before it aborts. */
  private static final long TASK_END_WAIT_MS = 60_000;
  private static final long TASK_END_POLL_MS = 50;
  /** Spark's job property (SparkContext.SPARK_JOB_INTERRUPT_ON_CANCEL, private to Spark). */
  private static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";
  /** How long a failed job waits for the status tracker to learn of its Spark jobs. */
  private static final long JOB_SEEN_WAIT_MS = 5_000;

  private final RecordIOOptions options;
  private final Configuration conf;

  RecordIOWriteJob(RecordIOOptions options, Configuration baseConf) {
    this.options = options;
    this.conf = options.hadoopConf(baseConf);
  }

  /**
   * Runs the write.
   *
   * @return the number of records written (0 when {@code ignore} found the path)
   * @throws IllegalArgumentException naming the column if the frame cannot be written
   * @throws UncheckedIOException if the path exists in {@code errorifexists} mode, or on I/O
   *     failure
   */
  long run(Dataset<Row> frame, SaveMode mode) {
    Dataset<Row> projected = frame.select(projection(frame.schema()));
    try {
      OutputDirectory out = OutputDirectory.of(new Path(options.uri()), conf);
      Path dir = out.path();
      boolean exists = out.exists();
      if (exists && mode == SaveMode.ErrorIfExists) {
        throw new FileAlreadyExistsException("path " + dir + " already exists; choose "
            + "mode(\"overwrite\") to replace it or mode(\"append\") to add parts to it");
      }
      if (exists && mode == SaveMode.Ignore) {
        return 0;
      }
      if (exists && mode == SaveMode.Overwrite) {
        out.deleteAll();
      }
      out.create();
      int first = mode == SaveMode.Append ? nextPart(out) : 0;
      return write(projected, out, first, UUID.randomUUID().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** Writes the job {@code jobId}: its parts numbered from {@code first}. */
  private long write(Dataset<Row> projected, OutputDirectory out, int first, String jobId)
      throws IOException {
    Path dir = out.path();
    FileSystem fs = out.fileSystem(); // null on native S3
    SparkContext sc = projected.sparkSession().sparkContext();
    // the one choice of how this job's parts appear (see the class comment)
    boolean direct = out.publishesInPlace();
    Path staging = direct ? null : new Path(dir, "_temporary-" + jobId);
    PreparedCommit prepared = direct && out.completesPrepared()
        ? PreparedCommit.setupJob(sc, dir, conf, jobId) : null;
    MagicCommit magic = direct && prepared == null && fs != null && MagicCommit.available(fs, dir)
        ? MagicCommit.setupJob(dir, conf, jobId) : null;
    PartFileWriter writer = new PartFileWriter((direct ? dir : staging).toString(), !direct,
        magic, prepared, first, jobId, new RecordPacker(options.header()),
        new HadoopConfHolder(conf));
    JavaRDD<InternalRow> rows = projected.queryExecution().toRdd().toJavaRDD();
    int parts = rows.getNumPartitions();
    String tag = "kindling-recordio-write-" + jobId;
    List<PartFileWriter.Written> written;
    try {
      if (!direct && !fs.mkdirs(staging)) {
        throw new IOException("cannot create the staging directory " + staging);
      }
      sc.addJobTag(tag);
      // A write runs inside a SQL execution, which asks Spark to interrupt the threads of the
      // tasks it cancels when one fails. Interrupted inside S3A's task commit, a task loses track
      // of its uploads and nothing aborts them; uninterrupted, it sees its kill before it commits
      // (PartFileWriter) and aborts them itself.
      String interrupt = sc.getLocalProperty(INTERRUPT_ON_CANCEL);
      sc.setLocalProperty(INTERRUPT_ON_CANCEL, "false");
      try {
        written = rows.mapPartitionsWithIndex(writer, false).collect();
      } finally {
        sc.setLocalProperty(INTERRUPT_ON_CANCEL, interrupt);
        sc.removeJobTag(tag);
      }
      if (!direct) {
        commitJob(fs, staging, dir, first, parts, jobId);
      } else if (magic != null) {
        magic.commitJob();
      } else if (prepared != null) {
        // a losing speculative attempt still running could prepare after the commit's net
        awaitTasks(sc, tag);
        prepared.commitJob(written.stream().map(PartFileWriter.Written::prepared).toList());
      }
    } catch (Exception e) {
      // Also Spark's (checked, undeclared) SparkException when a task fails; rethrown as is.
      if (direct) {
        // tasks still running when another failed (Spark cancels them) end before the abort:
        // under a magic or prepared commit they record or prepare their uploads for it to
        // cancel; publishing in place they publish or not, and the abort deletes what they
        // published
        awaitTasks(sc, tag);
      }
      abortJob(out, staging, magic, prepared, jobId, e);
      throw e;
    }
    if (!direct) {
      fs.delete(staging, true);
    }
    out.markSuccess();
    return written.stream().mapToLong(PartFileWriter.Written::records).sum();
  }

  /** Moves every task's files from {@code staging} into {@code dir}, {@code .rec} first. */
  private static void commitJob(FileSystem fs, Path staging, Path dir, int first, int parts,
      String jobId) throws IOException {
    for (int p = first; p < first + parts; p++) {
      String base = new PartName(p, jobId).base();
      for (String ext : List.of(".rec", ".idx")) {
        moveIntoPlace(fs, new Path(staging, base + ext), new Path(dir, base + ext));
      }
    }
  }

  /**
   * Renames {@code from} to {@code to}, which must not exist: a local file system's rename would
   * silently replace it, and a name that carries this job's id is this job's alone.
   */
  private static void moveIntoPlace(FileSystem fs, Path from, Path to) throws IOException {
    if (fs.exists(to)) {
      throw new FileAlreadyExistsException(to + " exists already, though its name carries this"
          + " write job's id: not replaced");
    }
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  /**
   * Deletes the staging directory (if any), with the files of every task that committed, or
   * aborts the magic or prepared commit's pending uploads, and deletes any part the job published
   * in {@code dir} (a job commit that failed half way, or a task that published in place): the
   * parts named with the job's id {@code jobId}, never another job's. (A task still running when
   * the job failed finds its staging directory gone and fails without leaving a file; under a
   * magic or prepared commit it leaves only an upload that is never completed.)
   */
  private static void abortJob(OutputDirectory out, Path staging, MagicCommit magic,
      PreparedCommit prepared, String jobId, Exception failure) {
    // each step runs even if an earlier one failed: a failure leaves less behind, not more
    try {
      if (staging != null) {
        out.fileSystem().delete(staging, true);
      }
      if (magic != null) {
        magic.abortJob();
      }
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    try {
      if (prepared != null) {
        prepared.abortJob();
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
    try {
      for (String name : out.names()) {
        PartName part = PartName.parse(name);
        if (part != null && jobId.equals(part.jobId())) {
          out.delete(name);
        }
      }
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Waits, at most {@link #TASK_END_WAIT_MS}, until the Spark jobs tagged {@code tag} have ended
   * and no task of theirs runs any more (a cancelled task runs on until it checks for its kill).
   * The status tracker is fed by the listener bus, which runs behind the scheduler: a job it does
   * not know yet, or still calls running, may have tasks it has not counted, so the count is read
   * only once the tracker has seen every tagged job end. If no job shows up within {@link
   * #JOB_SEEN_WAIT_MS} (the failure came before any was submitted), there is nothing to wait for.
   */
  private static void awaitTasks(SparkContext sc, String tag) {
    long start = System.nanoTime();
    SparkStatusTracker status = sc.statusTracker();
    while (running(status, tag, System.nanoTime() - start)
        && System.nanoTime() - start < TASK_END_WAIT_MS * 1_000_000L) {
      try {
        Thread.sleep(TASK_END_POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean running(SparkStatusTracker status, String tag, long waitedNanos) {
    int[] jobs = status.getJobIdsForTag(tag);
    if (jobs.length == 0) {
      return waitedNanos < JOB_SEEN_WAIT_MS * 1_000_000L;
    }
    for (int job : jobs) {
      scala.Option<SparkJobInfo> info = status.getJobInfo(job);
      if (info.isEmpty() || info.get().status() != JobExecutionStatus.SUCCEEDED
          && info.get().status() != JobExecutionStatus.FAILED) {
        return true;
      }
      for (int stage : info.get().stageIds()) {
        scala.Option<SparkStageInfo> s = status.getStageInfo(stage);
        if (!s.isEmpty() && s.get().numActiveTasks() > 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** One past the highest part number in {@code out} (either naming, {@link PartName}), or 0. */
  private static int nextPart(OutputDirectory out) throws IOException {
    int next = 0;
    for (String name : out.names()) {
      PartName part = PartName.parse(name);
      if (part != null) {
        next = Math.max(next, part.number() + 1);
      }
    }
    return next;
  }

  /** The columns {@link RecordPacker} reads, in its order, checked and cast. */
  private Column[] projection(StructType schema) {
    List<Column> cols = new ArrayList<>();
    cols.add(column(schema, RecordIOColumns.DATA, true, DataTypes.BinaryType,
        t -> t.equals(DataTypes.BinaryType), "binary"));
    if (options.header()) {
      cols.add(column(schema, RecordIOColumns.LABEL, false, DataTypes.FloatType,
          t -> t instanceof NumericType, "numeric"));
      cols.add(column(schema, RecordIOColumns.LABELS, false,
          DataTypes.createArrayType(DataTypes.FloatType),
          t -> t instanceof ArrayType a && a.elementType() instanceof NumericType,
          "an array of numbers"));
      cols.add(column(schema, RecordIOColumns.ID, false, DataTypes.LongType,
          t -> t instanceof IntegralType, "an integer"));
    } else {
      for (String c : List.of(RecordIOColumns.LABEL, RecordIOColumns.LABELS, RecordIOColumns.ID)) {
        if (has(schema, c)) {
          throw new IllegalArgumentException("column " + c + " cannot be written with option "
              + "header=false (raw records hold only data); drop it or write with header=true");
        }
      }
    }
    return cols.toArray(new Column[0]);
  }

  private static Column column(StructType schema, String name, boolean required, DataType as,
      java.util.function.Predicate<DataType> accepts, String what) {
    if (!has(schema, name)) {
      if (required) {
        throw new IllegalArgumentException("format(\"recordio\") writes a column " + name
            + " (" + what + "), but the frame has only " + String.join(", ", schema.fieldNames()));
      }
      return functions.lit(null).cast(as).as(name);
    }
    DataType t = schema.apply(name).dataType();
    if (!accepts.test(t)) {
      throw new IllegalArgumentException("column " + name + " must be " + what + ", not "
          + t.simpleString());
    }
    return functions.col(name).cast(as).as(name);
  }

  private static boolean has(StructType schema, String name) {
    return schema.getFieldIndex(name).isDefined();
  }
}
