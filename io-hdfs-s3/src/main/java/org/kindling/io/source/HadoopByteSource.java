package org.kindling.io.source;

import static org.apache.hadoop.fs.Options.OpenFileOptions.FS_OPTION_OPENFILE_LENGTH;
import static org.apache.hadoop.fs.Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY;
import static org.apache.hadoop.fs.Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_SEQUENTIAL;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * Ranged reads of one file through a Hadoop {@code FileSystem}: positioned reads on one shared
 * stream (thread-safe by Hadoop's {@code PositionedReadable} contract). A failed read drops the
 * stream so the next attempt reopens it, which is what recovers a reset connection or a dead
 * datanode.
 *
 * <p>Where {@code opensRanges} (HDFS: decision 0067, "sequential stream reads on HDFS"), {@link
 * #openRange} also offers one sequential stream from a position: on HDFS one block reader per
 * block instead of one per positioned read.
 */
final class HadoopByteSource extends ListedSource {
  private final FileSystem fs;
  private final Path path;
  private final AtomicReference<FSDataInputStream> stream = new AtomicReference<>();
  private final boolean opensRanges;

  HadoopByteSource(FileSystem fs, Path path, long size, boolean opensRanges) {
    super(path.toString(), size);
    this.fs = fs;
    this.path = path;
    this.opensRanges = opensRanges;
  }

  @Override
  public boolean opensRanges() {
    return opensRanges;
  }

  /**
   * A stream of its own over {@code [position, end)}, opened for sequential reading with the
   * listed length (a store that needs it then asks for no status), sought to {@code position}.
   * It ends at {@code end} or where the file does, whichever comes first; its reader checks the
   * byte count. Closing it closes the file's stream (on HDFS: the block reader and connection).
   */
  @Override
  public InputStream openRange(long position, long end) throws IOException {
    if (!opensRanges) {
      throw new UnsupportedOperationException(name() + ": no sequential range reads");
    }
    if (end <= position) {
      return InputStream.nullInputStream();
    }
    FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(path)
        .opt(FS_OPTION_OPENFILE_READ_POLICY, FS_OPTION_OPENFILE_READ_POLICY_SEQUENTIAL)
        .optLong(FS_OPTION_OPENFILE_LENGTH, size())
        .build());
    try {
      in.seek(position);
    } catch (IOException | RuntimeException e) {
      closeQuietly(in, e);
      throw e;
    }
    return new FilterInputStream(in) {
      private long left = end - position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return len == 0 ? 0 : -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length)
      throws IOException {
    FSDataInputStream in = stream();
    try {
      in.readFully(position, buffer, offset, length);
    } catch (EOFException e) {
      throw truncated(position, length, -1);
    } catch (IOException | RuntimeException e) {
      if (stream.compareAndSet(in, null)) {
        closeQuietly(in, e);
      }
      throw e;
    }
  }

  private FSDataInputStream stream() throws IOException {
    FSDataInputStream in = stream.get();
    if (in != null) {
      return in;
    }
    // The listed length, so a store that would ask for it (s3a: a HEAD per open, per part)
    // does not; no read policy, so the file system's own (a user's fs.s3a fadvise) applies.
    FSDataInputStream opened = FutureIO.awaitFuture(fs.openFile(path)
        .optLong(FS_OPTION_OPENFILE_LENGTH, size())
        .build());
    if (stream.compareAndSet(null, opened)) {
      return opened;
    }
    opened.close();
    return stream();
  }

  private static void closeQuietly(FSDataInputStream in, Exception failure) {
    try {
      in.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public void close() throws IOException {
    FSDataInputStream in = stream.getAndSet(null);
    if (in != null) {
      in.close();
    }
  }
}
