package org.kindling.io.source;

import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Ranged reads of one file through Hadoop {@code FileSystem}: positioned reads on one shared
 * stream (thread-safe by Hadoop's {@code PositionedReadable} contract). A failed read drops the
 * stream so the next attempt reopens it, which is what recovers a reset connection or a dead
 * datanode.
 */
final class HadoopByteSource extends ListedSource {
  private final FileSystem fs;
  private final Path path;
  private final AtomicReference<FSDataInputStream> stream = new AtomicReference<>();

  HadoopByteSource(FileSystem fs, Path path, long size) {
    super(path.toString(), size);
    this.fs = fs;
    this.path = path;
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
    FSDataInputStream opened = fs.open(path);
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
