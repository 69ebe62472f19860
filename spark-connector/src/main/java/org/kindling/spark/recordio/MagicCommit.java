package org.kindling.spark.recordio;

import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitterFactory;
import org.apache.hadoop.mapreduce.task.JobContextImpl;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.kindling.spark.HadoopConfHolder;

/**
 * A write job's commit through S3A's magic committer (hadoop-aws): a task writes its files under
 * the committer's work path ({@code <dir>/__magic_job-<uuid>/.../__base/}), where S3A starts a
 * multipart upload for each file and, on close, records it as pending instead of completing it;
 * task commit gathers the task's pending uploads, and only job commit completes them, making
 * every file appear under its final name ({@code <dir>/<name>}) at once, without a copy. Until
 * then nothing is visible under a final name, and a failed job (or a task that outlives it)
 * leaves only pending uploads, which job abort and the store's cleanup discard.
 *
 * <p>Job commit and abort touch only this job's own uploads, those its tasks recorded under its
 * magic directory ({@link MagicJobUploads}): S3A's job cleanup, which aborts every pending upload
 * under the output directory, is turned off, so another job writing into the same directory at
 * the same time keeps its uploads.
 *
 * <p>Used where the output's store says it supports the committer ({@value #CAPABILITY}); the
 * committer is chosen through Hadoop's {@link PathOutputCommitterFactory}, so this module needs
 * hadoop-aws only at run time, where s3a is used anyway. Serializable: the driver sets the job
 * up and ships this object to the tasks.
 */
final class MagicCommit implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The path capability of a store with the magic committer (S3A's CommitConstants). */
  static final String CAPABILITY = "fs.s3a.capability.magic.committer";
  /** Hadoop's job tracker identifier for these jobs (no underscores: JobID's separator). */
  private static final String TRACKER = "kindlingrecordio";
  /** The job id that names the job's magic directory (S3A's CommitConstants). */
  private static final String UUID_KEY = "fs.s3a.committer.uuid";
  /** The job's magic directory in the output directory: this prefix, then the job's id. */
  private static final String MAGIC_DIR_PREFIX = "__magic_job-";

  private final String dir;
  private final int jobNumber;
  private final HadoopConfHolder conf;

  private MagicCommit(String dir, int jobNumber, HadoopConfHolder conf) {
    this.dir = dir;
    this.jobNumber = jobNumber;
    this.conf = conf;
  }

  /** Whether {@code dir}'s store commits through the magic committer. */
  static boolean available(FileSystem fs, Path dir) throws IOException {
    return fs.hasPathCapability(dir, CAPABILITY);
  }

  /**
   * Sets up a job writing into {@code dir} (on the driver).
   *
   * @param base the job's Hadoop configuration; the committer's settings are added to a copy
   * @param jobId the write job's id (a UUID), which also names its magic directory
   */
  static MagicCommit setupJob(Path dir, Configuration base, String jobId) throws IOException {
    Configuration conf = new Configuration(base);
    conf.set(String.format(PathOutputCommitterFactory.COMMITTER_FACTORY_SCHEME_PATTERN,
        dir.toUri().getScheme()), "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory");
    conf.set("fs.s3a.committer.name", "magic");
    // _SUCCESS stays the write job's own: the committer's job setup would delete an existing
    // one, so a failed append would leave a finished directory looking unfinished
    conf.setBoolean("mapreduce.fileoutputcommitter.marksuccessfuljobs", false);
    // S3A's job commit and abort would end by aborting every pending upload under the output
    // directory, another job's too: this job aborts its own (MagicJobUploads) instead
    conf.setBoolean("fs.s3a.committer.abort.pending.uploads", false);
    // one id shared by the driver and every task: it names the job's magic directory
    conf.set(UUID_KEY, jobId);
    MagicCommit job = new MagicCommit(dir.toString(), jobId.hashCode() & Integer.MAX_VALUE,
        new HadoopConfHolder(conf));
    job.committer(job.attempt(0, 0)).setupJob(job.jobContext());
    return job;
  }

  /** Sets up the commit of attempt {@code attempt} of task {@code partition} (on an executor). */
  TaskCommit setupTask(int partition, int attempt) throws IOException {
    TaskAttemptContext context = attempt(partition, attempt);
    PathOutputCommitter committer = committer(context);
    committer.setupTask(context);
    return new TaskCommit(committer, context);
  }

  /**
   * Completes every committed task's uploads: the files appear under their final names. Then
   * aborts the uploads of the job's task attempts that neither committed nor aborted.
   */
  void commitJob() throws IOException {
    FileSystem fs = outputFileSystem();
    MagicJobUploads recorded = MagicJobUploads.read(fs, magicDir());
    committer(attempt(0, 0)).commitJob(jobContext());
    MagicJobUploads.abort(fs, new Path(dir), recorded.uncommitted());
  }

  /** Aborts every upload the job's tasks recorded and deletes the job's magic directory. */
  void abortJob() throws IOException {
    FileSystem fs = outputFileSystem();
    try {
      MagicJobUploads.abort(fs, new Path(dir), MagicJobUploads.read(fs, magicDir()).all());
    } finally {
      committer(attempt(0, 0)).abortJob(jobContext(), JobStatus.State.FAILED);
    }
  }

  private FileSystem outputFileSystem() throws IOException {
    return new Path(dir).getFileSystem(conf.get());
  }

  private Path magicDir() {
    return new Path(dir, MAGIC_DIR_PREFIX + conf.get().get(UUID_KEY));
  }

  private JobContext jobContext() {
    return new JobContextImpl(conf.get(), new JobID(TRACKER, jobNumber));
  }

  private TaskAttemptContext attempt(int partition, int attempt) {
    return new TaskAttemptContextImpl(conf.get(),
        new TaskAttemptID(TRACKER, jobNumber, TaskType.REDUCE, partition, attempt));
  }

  private PathOutputCommitter committer(TaskAttemptContext context) throws IOException {
    return PathOutputCommitterFactory.createCommitter(new Path(dir), context);
  }

  /** One task attempt's side of the commit. */
  static final class TaskCommit {
    private final PathOutputCommitter committer;
    private final TaskAttemptContext context;

    private TaskCommit(PathOutputCommitter committer, TaskAttemptContext context) {
      this.committer = committer;
      this.context = context;
    }

    /** Where the task writes the files it wants under the output directory's same names. */
    Path workPath() throws IOException {
      return committer.getWorkPath();
    }

    /** Hands the task's pending uploads to the job commit. */
    void commit() throws IOException {
      committer.commitTask(context);
    }

    /** Aborts the task's pending uploads. */
    void abort() throws IOException {
      committer.abortTask(context);
    }
  }
}
