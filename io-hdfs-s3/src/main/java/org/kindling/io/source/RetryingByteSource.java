package org.kindling.io.source;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Retries each ranged read of another source under a {@link RetryPolicy}; the decorator every
 * store's sources get from {@link ByteStores#open}, so a Hadoop file system and the native S3
 * client recover from the same transient failures the same way.
 */
public final class RetryingByteSource implements ByteSource {
  private final ByteSource source;
  private final RetryPolicy policy;

  public RetryingByteSource(ByteSource source, RetryPolicy policy) {
    this.source = Objects.requireNonNull(source, "source");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  @Override
  public String name() {
    return source.name();
  }

  @Override
  public long size() {
    return source.size();
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length)
      throws IOException {
    policy.call("reading " + length + " bytes of " + source.name() + " at offset " + position,
        () -> {
          source.readFully(position, buffer, offset, length);
          return null;
        });
  }

  @Override
  public boolean opensRanges() {
    return source.opensRanges();
  }

  /** The source's sequential read, its opening retried (reads on it are not: see the caller). */
  @Override
  public InputStream openRange(long position, long end) throws IOException {
    return policy.call("opening " + source.name() + " at offset " + position,
        () -> source.openRange(position, end));
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
