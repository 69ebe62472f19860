package org.kindling.io.source;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under a scheme of its own, which runs {@link #beforePositionedRead}
 * before every positioned read (one ranged request of a {@link ByteSource}): the base of test
 * stores that fail ({@link FlakyFileSystem}) or are slow (the benchmarks' {@code
 * DelayedFileSystem}) while keeping a local disk's bytes. Register a subclass with {@code
 * fs.<scheme>.impl}. Shipped in this module's test jar.
 */
public abstract class InjectingFileSystem extends RawLocalFileSystem {
  private final String scheme;

  /** @param scheme the URI scheme the subclass is registered under */
  protected InjectingFileSystem(String scheme) {
    this.scheme = scheme;
  }

  /**
   * Runs before each positioned read at {@code position}; throwing fails that read.
   */
  protected abstract void beforePositionedRead(long position) throws IOException;

  @Override
  public URI getUri() {
    return URI.create(scheme + ":///");
  }

  @Override
  public String getScheme() {
    return scheme;
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    return new FSDataInputStream(new InjectingStream(super.open(f, bufferSize)));
  }

  /**
   * Positioned reads go through the hook ({@code readFully} too: {@link FSInputStream}'s loops
   * over them); sequential reads and seeks pass straight through.
   */
  private final class InjectingStream extends FSInputStream {
    private final FSDataInputStream in;

    InjectingStream(FSDataInputStream in) {
      this.in = in;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) throws IOException {
      beforePositionedRead(position);
      return in.read(position, buffer, offset, length);
    }

    @Override
    public void seek(long pos) throws IOException {
      in.seek(pos);
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
