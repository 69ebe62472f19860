package org.kindling.io.split;

/**
 * The global byte range {@code [begin, end)} of part {@code part} of {@code numParts}: the part
 * holds exactly the records whose first physical part starts in the range.
 *
 * @param part the part index k, in {@code [0, numParts)}
 * @param numParts N
 * @param begin first global byte offset (inclusive)
 * @param end last global byte offset (exclusive)
 */
public record PartRange(int part, int numParts, long begin, long end) {
  public PartRange {
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("invalid part range [" + begin + ", " + end + ")");
    }
  }

  /** True if the range holds no bytes (and so no records). */
  public boolean isEmpty() {
    return begin == end;
  }

  /** Bytes in the range. */
  public long length() {
    return end - begin;
  }
}
