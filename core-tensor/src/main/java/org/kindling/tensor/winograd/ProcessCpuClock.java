package org.kindling.tensor.winograd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.function.LongSupplier;

/**
 * The CPU time of the whole process in nanoseconds ({@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)}
 * through JNA): what every thread of a call (the caller, oneDNN's OpenMP team, the Winograd
 * workers) spent computing, and nothing of what the machine's other processes made them wait.
 * The JVM's {@code OperatingSystemMXBean.getProcessCpuTime} counts the same in 10 ms steps on
 * Linux, longer than a measured pass.
 */
final class ProcessCpuClock {
  /** Linux's clock id of the process's CPU time. */
  private static final int CLOCK_PROCESS_CPUTIME_ID = 2;

  interface LibC extends Library {
    /** {@code ts}: a {@code struct timespec} of two 64-bit words (seconds, nanoseconds). */
    int clock_gettime(int clock, long[] ts);
  }

  private static final LibC LIBC = load();

  private ProcessCpuClock() {}

  private static LibC load() {
    if (!System.getProperty("os.name", "").startsWith("Linux")
        || !"amd64".equals(System.getProperty("os.arch"))
            && !"aarch64".equals(System.getProperty("os.arch"))) {
      return null; // the timespec layout above is the 64-bit Linux one
    }
    try {
      LibC c = Native.load("c", LibC.class);
      return c.clock_gettime(CLOCK_PROCESS_CPUTIME_ID, new long[2]) == 0 ? c : null;
    } catch (LinkageError | RuntimeException e) {
      return null;
    }
  }

  /** The clock, or null where it cannot be read. */
  static LongSupplier get() {
    if (LIBC == null) {
      return null;
    }
    return () -> {
      long[] ts = new long[2];
      LIBC.clock_gettime(CLOCK_PROCESS_CPUTIME_ID, ts);
      return ts[0] * 1_000_000_000L + ts[1];
    };
  }
}
