package org.kindling.io.source;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Atomic commit on a file system whose rename is a metadata operation (HDFS, local files): the
 * bytes go to a hidden temporary file in the target's directory (names starting with {@code .}
 * are skipped by directory listings of data sets), renamed over the target on commit.
 */
final class RenameCommitOutput extends SingleCommitOutput {
  private final FileSystem fs;
  private final Path target;
  private final Path temporary;
  private final FSDataOutputStream out;
  private final WriteEndStream stream;

  private RenameCommitOutput(FileSystem fs, Path target, Path temporary, FSDataOutputStream out) {
    super(target.toString());
    this.fs = fs;
    this.target = target;
    this.temporary = temporary;
    this.out = out;
    this.stream = new WriteEndStream(out, target.toString());
  }

  /** Creates the temporary file next to {@code target} (a qualified path with a parent). */
  static RenameCommitOutput create(FileSystem fs, Path target) throws IOException {
    Path temporary = new Path(target.getParent(),
        "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    return new RenameCommitOutput(fs, target, temporary, fs.create(temporary, false));
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  @Override
  void publish() throws IOException {
    boolean renamed = false;
    try {
      out.close();
      // Hadoop's rename does not overwrite: remove an older file first. The target is never
      // half-written; at worst it is briefly absent.
      if (fs.exists(target) && !fs.delete(target, false)) {
        throw new IOException("cannot delete the existing " + target + " to replace it");
      }
      if (!fs.rename(temporary, target)) {
        throw new IOException("cannot rename " + temporary + " to " + target);
      }
      renamed = true;
    } finally {
      if (!renamed) {
        fs.delete(temporary, false);
      }
    }
  }

  @Override
  void discard() throws IOException {
    try {
      out.close();
    } finally {
      fs.delete(temporary, false);
    }
  }
}
