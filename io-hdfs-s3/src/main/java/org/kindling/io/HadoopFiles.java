package org.kindling.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** Resolves Hadoop file systems the way every reader and writer of this module wants them. */
public final class HadoopFiles {
  private HadoopFiles() {}

  /**
   * The file system of {@code path}. For {@code file://} this is the raw local file system: the
   * checksumming wrapper would write {@code .crc} side files next to every {@code .rec} (which a
   * directory URI would then pick up as data) and checksum every read twice.
   */
  public static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    if (fs instanceof LocalFileSystem local) {
      return local.getRawFileSystem();
    }
    return fs;
  }
}
