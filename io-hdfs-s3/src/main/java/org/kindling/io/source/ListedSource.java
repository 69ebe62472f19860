package org.kindling.io.source;

import java.io.EOFException;

/**
 * What every store's {@link ByteSource} shares: the name it was listed under, the size it had
 * then, and the error for an object that has since become shorter.
 */
abstract class ListedSource implements ByteSource {
  private final String name;
  private final long size;

  ListedSource(String name, long size) {
    this.name = name;
    this.size = size;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final long size() {
    return size;
  }

  /**
   * The error for a read of {@code length} bytes at {@code position} that found the object
   * ending at {@code end} (or, if unknown, -1).
   */
  final EOFException truncated(long position, int length, long end) {
    return new EOFException(name + ": the object ends " + (end >= 0 ? "at offset " + end + ", "
        : "") + "before offset " + (position + length) + " (reading " + length
        + " bytes at offset " + position + "; listed size " + size + "): it was truncated or"
        + " replaced while being read");
  }
}
