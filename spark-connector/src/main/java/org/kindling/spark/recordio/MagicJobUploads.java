package org.kindling.spark.recordio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.hadoop.fs.BBUploadHandle;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.MultipartUploader;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * The multipart uploads that one magic-committer job's tasks recorded under the job's own magic
 * directory ({@code <dir>/__magic_job-<uuid>/}): a {@code .pending} file per file a task attempt
 * wrote, and a {@code .pendingset} per committed task listing its uploads (S3A's JSON files,
 * their {@code destinationKey} and {@code uploadId} fields). What a job aborts is exactly these,
 * never the other pending uploads under the same directory: those may be another job's, writing
 * there at the same time (S3A's own job cleanup, {@code fs.s3a.committer.abort.pending.uploads},
 * aborts every upload under the directory).
 */
final class MagicJobUploads {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PENDING = ".pending";
  private static final String PENDINGSET = ".pendingset";

  /** One pending upload: the object key it completes to and its upload id. */
  record Upload(String key, String uploadId) {}

  private final Set<Upload> committed;
  private final Set<Upload> uncommitted;

  private MagicJobUploads(Set<Upload> committed, Set<Upload> uncommitted) {
    this.committed = committed;
    this.uncommitted = uncommitted;
  }

  /**
   * Reads the uploads recorded under {@code magicDir} (none if it does not exist).
   *
   * @throws IOException naming the file if a record cannot be read or lacks its key or id
   */
  static MagicJobUploads read(FileSystem fs, Path magicDir) throws IOException {
    Set<Upload> committed = new LinkedHashSet<>();
    Set<Upload> written = new LinkedHashSet<>();
    if (!fs.exists(magicDir)) {
      return new MagicJobUploads(committed, written);
    }
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(magicDir, true);
    while (files.hasNext()) {
      Path p = files.next().getPath();
      if (p.getName().endsWith(PENDINGSET)) {
        for (JsonNode commit : json(fs, p).path("commits")) {
          committed.add(upload(commit, p));
        }
      } else if (p.getName().endsWith(PENDING)) {
        written.add(upload(json(fs, p), p));
      }
    }
    written.removeAll(committed);
    return new MagicJobUploads(committed, written);
  }

  private static JsonNode json(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return JSON.readTree(in);
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")";
      throw new IOException(p + ": not a JSON record of S3A's magic committer" + at + ": "
          + e.getOriginalMessage(), e);
    }
  }

  private static Upload upload(JsonNode commit, Path recordFile) throws IOException {
    String key = commit.path("destinationKey").asText("");
    String id = commit.path("uploadId").asText("");
    if (key.isEmpty() || id.isEmpty()) {
      throw new IOException(recordFile + ": a pending upload without destinationKey or uploadId;"
          + " not written by S3A's magic committer?");
    }
    return new Upload(key, id);
  }

  /** Every upload the job's tasks recorded, committed or not. */
  Set<Upload> all() {
    Set<Upload> all = new LinkedHashSet<>(committed);
    all.addAll(uncommitted);
    return all;
  }

  /**
   * The uploads of task attempts that neither committed nor aborted (a task that failed before
   * its own abort, a lost executor, a losing speculative attempt): never completed.
   */
  Set<Upload> uncommitted() {
    return uncommitted;
  }

  /**
   * Aborts {@code uploads} through {@code fs}'s multipart uploader. An upload already gone (its
   * task aborted it) is skipped; every other failure is collected and thrown after the rest were
   * tried.
   *
   * @param dir the output directory (its store aborts the uploads)
   */
  static void abort(FileSystem fs, Path dir, Collection<Upload> uploads) throws IOException {
    if (uploads.isEmpty()) {
      return;
    }
    IOException failure = null;
    try (MultipartUploader uploader = fs.createMultipartUploader(dir).build()) {
      for (Upload u : uploads) {
        try {
          FutureIO.awaitFuture(uploader.abort(BBUploadHandle.from(ByteBuffer.wrap(
              u.uploadId().getBytes(StandardCharsets.UTF_8))), fs.makeQualified(
                  new Path("/" + u.key()))));
        } catch (FileNotFoundException gone) {
          // nothing left to cancel
        } catch (IOException e) {
          if (failure == null) {
            failure = new IOException("cannot abort every pending upload of the write job into "
                + dir + "; the rest were aborted");
          }
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
