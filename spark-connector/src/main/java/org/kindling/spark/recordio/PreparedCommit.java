package org.kindling.spark.recordio;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.kindling.io.pack.AtomicRecordOutput;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.PendingFile;
import org.kindling.spark.HadoopConfHolder;

/**
 * A write job's commit on a store that completes prepared files later ({@link
 * ByteStore#completesPrepared}: the native {@code s3://} store): each task writes its {@code .rec}
 * and {@code .idx} as multipart uploads under their final names and prepares them instead of
 * completing them ({@link AtomicRecordOutput#prepare()}), handing the uploads (bucket, key,
 * upload id, each part's number, ETag and size) to the driver in its result; the driver's job
 * commit completes them all, then {@code _SUCCESS} is written. Until then nothing is visible under
 * a final name, whatever happens to the driver: an uncompleted upload is never an object. This is
 * what S3A's magic committer ({@link MagicCommit}) does on s3a, for the native client, without
 * its {@code .pending} files: the uploads travel in the tasks' results.
 *
 * <p>Aborts: a failing task aborts its own uploads ({@link AtomicRecordOutput} closed without
 * commit). A job that fails after some tasks prepared aborts every upload its tasks reported (an
 * accumulator carries them to the driver as each task succeeds, since a failed job's results
 * never arrive), and then, as a net for task attempts that never reported (an executor lost, a
 * losing speculative attempt), every upload still in progress in the output directory whose
 * name carries this job's id ({@link PartName}); the job commit runs the same net after its
 * completions. Another job's uploads, in the same directory at the same time, are never touched.
 * Serializable: the driver sets the job up and ships this object to the tasks.
 */
final class PreparedCommit implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Requests in flight while a job commit completes its parts (one request per file). */
  private static final int COMMIT_THREADS = 8;

  private final String dir;
  private final String jobId;
  private final HadoopConfHolder conf;
  private final CollectionAccumulator<PendingFile> reported;

  private PreparedCommit(String dir, String jobId, HadoopConfHolder conf,
      CollectionAccumulator<PendingFile> reported) {
    this.dir = dir;
    this.jobId = jobId;
    this.conf = conf;
    this.reported = reported;
  }

  /**
   * Sets up the job {@code jobId} writing into {@code dir} (on the driver).
   *
   * @param sc registers the accumulator that reports the tasks' uploads
   */
  static PreparedCommit setupJob(SparkContext sc, Path dir, Configuration conf, String jobId) {
    return new PreparedCommit(dir.toString(), jobId, new HadoopConfHolder(conf),
        sc.collectionAccumulator("kindling recordio write " + jobId + ": prepared uploads"));
  }

  /**
   * Prepares a task's two files (on an executor): stored, not visible, reported to the driver.
   *
   * @return the {@code .rec}'s pending file, then the {@code .idx}'s, for the task's result
   */
  List<PendingFile> prepareTask(AtomicRecordOutput out) throws IOException {
    List<PendingFile> files = out.prepare();
    files.forEach(reported::add);
    return files;
  }

  /**
   * Completes the files of every task, each task's {@code .rec} before its {@code .idx} (an index
   * never exists without its records), then aborts the uploads of this job that no winning task
   * reported.
   *
   * @param perTask each task's pending files, as {@link #prepareTask} returned them
   * @throws IOException naming the file if one cannot be completed (after the others were tried;
   *     the caller then aborts the job, deleting what was completed)
   */
  void commitJob(List<List<PendingFile>> perTask) throws IOException {
    ByteStore store = store();
    ExecutorService pool = Executors.newFixedThreadPool(
        Math.max(1, Math.min(COMMIT_THREADS, perTask.size())), r -> {
          Thread t = new Thread(r, "kindling-recordio-commit-" + jobId);
          t.setDaemon(true);
          return t;
        });
    IOException failure = null;
    try {
      List<Future<?>> done = new ArrayList<>();
      for (List<PendingFile> files : perTask) {
        done.add(pool.submit(() -> {
          for (PendingFile f : files) {
            store.complete(f);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          failure = collect(failure, e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure = collect(failure, e);
          break;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (failure != null) {
      throw failure;
    }
    abortUnreported(store);
  }

  /**
   * Aborts every upload the job's tasks reported, then every other upload in progress in the
   * output directory that carries the job's id.
   *
   * @throws IOException if some could not be aborted (after the rest were tried)
   */
  void abortJob() throws IOException {
    ByteStore store = store();
    Set<PendingFile> known = new LinkedHashSet<>(reported.value());
    IOException failure = null;
    for (PendingFile f : known) {
      try {
        store.abort(f);
      } catch (IOException | RuntimeException e) {
        failure = collect(failure, e);
      }
    }
    try {
      abortUnreported(store);
    } catch (IOException e) {
      failure = collect(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Aborts the uploads still in progress in the output directory whose names carry this job's
   * id: those no task reported, or (after a job commit) a losing attempt's of a committed part.
   */
  private void abortUnreported(ByteStore store) throws IOException {
    IOException failure = null;
    for (PendingFile f : store.pending(new Path(dir), "part-")) {
      PartName part = PartName.parse(f.path().getName());
      if (part == null || !jobId.equals(part.jobId())) {
        continue; // another job's
      }
      try {
        store.abort(f);
      } catch (IOException | RuntimeException e) {
        failure = collect(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private ByteStore store() throws IOException {
    return ByteStores.forPath(new Path(dir), conf.get());
  }

  private IOException collect(IOException failure, Throwable e) {
    if (failure == null) {
      failure = new IOException("the write job " + jobId + " into " + dir + " could not complete"
          + " or abort every upload its tasks prepared; the rest were tried");
    }
    failure.addSuppressed(e);
    return failure;
  }
}
