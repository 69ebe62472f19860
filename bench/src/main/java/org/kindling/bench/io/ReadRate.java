package org.kindling.bench.io;

import java.lang.management.ManagementFactory;

/**
 * One read measurement: records and bytes in a time, and the process CPU time it took.
 *
 * @param records records read (0 for a raw read)
 * @param bytes bytes of the file(s) covered
 * @param seconds wall-clock time
 * @param cpuSeconds CPU time of the whole process (all threads, servers in the JVM included)
 */
record ReadRate(long records, long bytes, double seconds, double cpuSeconds) {
  double recordsPerSecond() {
    return records / seconds;
  }

  double megabytesPerSecond() {
    return bytes / seconds / (1 << 20);
  }

  double cpuSecondsPerGigabyte() {
    return cpuSeconds / (bytes / 1e9);
  }

  /** This and {@code other} (null: nothing) as one measurement of both reads. */
  ReadRate plus(ReadRate other) {
    return other == null ? this : new ReadRate(records + other.records, bytes + other.bytes,
        seconds + other.seconds, cpuSeconds + other.cpuSeconds);
  }

  /** The faster of two measurements of the same work. */
  ReadRate best(ReadRate other) {
    return other == null || seconds <= other.seconds ? this : other;
  }

  /** Starts timing a read: wall clock and process CPU. */
  static Clock start() {
    return new Clock(System.nanoTime(), processCpuNanos());
  }

  /** A started measurement. */
  record Clock(long wallStart, long cpuStart) {
    ReadRate stop(long records, long bytes) {
      return new ReadRate(records, bytes, (System.nanoTime() - wallStart) / 1e9,
          (processCpuNanos() - cpuStart) / 1e9);
    }
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
