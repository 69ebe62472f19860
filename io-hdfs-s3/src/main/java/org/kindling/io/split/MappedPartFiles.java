package org.kindling.io.split;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.kindling.io.HadoopFiles;

/**
 * The local files of a shuffled part mapped read-only into memory, so that a record's bytes are
 * copied out of the page cache by the thread that wants them: no system call, no reader thread,
 * no hand-off per record (decision 0082). Only for files on the local file system that a single
 * mapping holds; {@link #of} says when that is not the case and the caller reads through its
 * {@code ByteSource} as before.
 *
 * <p>A mapping lives until the garbage collector frees it (the JDK has no public unmap); its
 * pages are the page cache's, shared with every other reader of the file.
 */
final class MappedPartFiles {
  private final Map<SplitFile, MappedByteBuffer> maps;

  private MappedPartFiles(Map<SplitFile, MappedByteBuffer> maps) {
    this.maps = maps;
  }

  /**
   * Maps every file of {@code files}, or returns null if one is not on the local file system
   * (Hadoop's {@code RawLocalFileSystem} itself) or
   * is larger than one mapping holds (2 GiB), or its length on disk is no longer the listed one
   * (the ranged reads then report the file as it is, with their own messages).
   */
  static MappedPartFiles of(Collection<SplitFile> files, Configuration conf) throws IOException {
    Map<SplitFile, MappedByteBuffer> maps = new HashMap<>();
    for (SplitFile f : files) {
      FileSystem fs = HadoopFiles.fileSystem(f.path(), conf);
      // the local file system itself: a subclass (a test's fault injection, a user's wrapper)
      // may mean its reads to go through its own code
      if (fs.getClass() != RawLocalFileSystem.class || f.size() > Integer.MAX_VALUE) {
        return null;
      }
      RawLocalFileSystem local = (RawLocalFileSystem) fs;
      java.nio.file.Path p = local.pathToFile(f.path()).toPath();
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
        if (ch.size() != f.size()) {
          return null;
        }
        maps.put(f, ch.map(FileChannel.MapMode.READ_ONLY, 0, f.size()));
      }
    }
    return new MappedPartFiles(maps);
  }

  /**
   * Copies {@code length} bytes of file {@code f} from offset {@code at} into the start of
   * {@code dst}.
   *
   * @throws IOException naming the file and offset if they are past the mapping, or if the file
   *     was truncated under the mapping (the JVM reports the fault as an {@link InternalError})
   */
  void read(SplitFile f, long at, byte[] dst, int length) throws IOException {
    MappedByteBuffer map = maps.get(f);
    if (at < 0 || at + length > map.capacity()) {
      throw new IOException(f.path() + ": bytes [" + at + ", " + (at + length)
          + ") are past the " + map.capacity() + " bytes listed for the file");
    }
    try {
      map.get((int) at, dst, 0, length);
    } catch (InternalError e) {
      throw fault(f, at, length, e);
    }
  }

  /**
   * The error for a fault while reading {@code length} bytes at {@code at} of {@code f}'s
   * mapping. The JVM may deliver the fault of a copy in compiled code a little later than the
   * copy (at its next safepoint check), so the caller also catches it around the code that uses
   * the bytes.
   */
  static IOException fault(SplitFile f, long at, int length, InternalError e) {
    return new IOException(f.path() + ": reading " + length + " bytes at byte offset " + at
        + " of its memory mapping failed; the file was truncated or its device failed while"
        + " the job read it", e);
  }
}
