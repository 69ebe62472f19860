package org.kindling.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Small-file reads and atomic writes on any Hadoop {@link FileSystem} (hdfs, file, s3a), the
 * way checkpoints and model directories are stored.
 *
 * <p>An atomic write goes to a hidden temporary name in the target's directory and is renamed
 * over the target only after the stream closed successfully, so a reader never sees a
 * half-written checkpoint, even if the driver dies mid-write.
 */
public final class HadoopFiles {

  /** Files larger than this are refused by {@link #readAll}: checkpoints are read whole. */
  public static final long MAX_READ_BYTES = Integer.MAX_VALUE - 64;

  private HadoopFiles() {}

  /**
   * The file system of {@code path}, as the io module resolves it (the local file system raw,
   * without checksum side files that MXNet users would not expect next to a checkpoint).
   */
  public static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
    return org.kindling.io.HadoopFiles.fileSystem(path, conf);
  }

  /**
   * Writes {@code bytes} to {@code target} atomically (temporary file + rename), replacing an
   * existing file. Parent directories are created.
   *
   * @throws IOException naming the target if the write or the rename fails
   */
  public static void writeAtomically(Path target, byte[] bytes, Configuration conf)
      throws IOException {
    FileSystem fs = fileSystem(target, conf);
    Path qualified = fs.makeQualified(target);
    Path dir = qualified.getParent();
    if (dir != null && !fs.exists(dir) && !fs.mkdirs(dir)) {
      throw new IOException("cannot create directory " + dir);
    }
    Path tmp = new Path(dir, "." + qualified.getName() + ".tmp-" + UUID.randomUUID());
    boolean done = false;
    try {
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(bytes);
      }
      if (!fs.rename(tmp, qualified)) {
        // HDFS and the raw local FS refuse to rename over an existing file: replace it. The
        // target is never half-written; at worst it is briefly absent.
        if (fs.exists(qualified) && !fs.delete(qualified, false)) {
          throw new IOException("cannot replace existing " + qualified);
        }
        if (!fs.rename(tmp, qualified)) {
          throw new IOException("cannot rename " + tmp + " to " + qualified);
        }
      }
      done = true;
    } finally {
      if (!done) {
        try {
          fs.delete(tmp, false);
        } catch (IOException ignored) {
          // the original failure is the one to report
        }
      }
    }
  }

  /**
   * Reads a whole file.
   *
   * @throws IOException naming the file if it is missing, unreadable or too large
   */
  public static byte[] readAll(Path file, Configuration conf) throws IOException {
    FileSystem fs = fileSystem(file, conf);
    if (!fs.exists(file)) {
      throw new java.io.FileNotFoundException(file + ": no such file");
    }
    long len = fs.getFileStatus(file).getLen();
    if (len > MAX_READ_BYTES) {
      throw new IOException(file + ": " + len + " bytes is too large to read at once");
    }
    try (InputStream in = fs.open(file)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) len);
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  /** True if {@code file} exists. */
  public static boolean exists(Path file, Configuration conf) throws IOException {
    return fileSystem(file, conf).exists(file);
  }

  /** The names of the files in {@code dir} (none if it does not exist). */
  public static java.util.List<String> list(Path dir, Configuration conf) throws IOException {
    FileSystem fs = fileSystem(dir, conf);
    java.util.List<String> out = new java.util.ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dir)) {
      if (st.isFile()) {
        out.add(st.getPath().getName());
      }
    }
    java.util.Collections.sort(out);
    return out;
  }

  /**
   * Deletes a file.
   *
   * @throws IOException naming the file if it exists and cannot be deleted
   */
  public static void delete(Path file, Configuration conf) throws IOException {
    FileSystem fs = fileSystem(file, conf);
    if (!fs.delete(file, false) && fs.exists(file)) {
      throw new IOException("cannot delete " + file);
    }
  }
}
