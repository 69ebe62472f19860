package org.kindling.bench.io;

/**
 * One read measurement: records and bytes in a time.
 *
 * @param records records read (0 for a raw read)
 * @param bytes bytes of the file(s) covered
 * @param seconds wall-clock time
 */
record ReadRate(long records, long bytes, double seconds) {
  double recordsPerSecond() {
    return records / seconds;
  }

  double megabytesPerSecond() {
    return bytes / seconds / (1 << 20);
  }

  /** The faster of two measurements of the same work. */
  ReadRate best(ReadRate other) {
    return other == null || seconds <= other.seconds ? this : other;
  }
}
