package org.kindling.tensor.winograd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the process's threads in nanoseconds, split into the JVM's own work and the rest,
 * from the first field of each {@code /proc/self/task/<tid>/schedstat} (Linux). A thread that
 * ends between two readings takes its time with it, so a difference may undercount (not in a
 * measurement, whose threads live on).
 */
final class ThreadsCpu {
  private static final Path TASKS = Path.of("/proc/self/task");
  /**
   * Thread names ({@code comm}, 15 characters) of the JVM's own work, which runs whenever it
   * wants, not for a call: the JIT compilers (which compile the Winograd transforms while the
   * first layers are measured) and the garbage collectors.
   */
  private static final String[] JVM_THREADS = {"C1 CompilerThre", "C2 CompilerThre",
      "GC Thread", "G1 ", "VM Thread", "Sweeper thread"};

  private ThreadsCpu() {}

  /**
   * The CPU time of every live thread but the JVM's own (JIT compilers, garbage collectors).
   *
   * @throws UncheckedIOException if the task directory cannot be listed
   */
  static long processNanos() {
    return sum(false);
  }

  /**
   * The CPU time of the JVM's own live threads (JIT compilers, garbage collectors), or 0 where
   * {@code /proc/self/task} cannot be read.
   */
  static long jvmNanos() {
    try {
      return sum(true);
    } catch (UncheckedIOException e) {
      return 0;
    }
  }

  private static long sum(boolean jvm) {
    long sum = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path t : tasks) {
        String s;
        try {
          if (jvmThread(Files.readString(t.resolve("comm"))) != jvm) {
            continue;
          }
          s = Files.readString(t.resolve("schedstat"));
        } catch (IOException e) {
          continue; // the thread ended after the listing
        }
        int end = s.indexOf(' ');
        sum += Long.parseLong(end < 0 ? s.strip() : s.substring(0, end));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + TASKS + " for the process's CPU time", e);
    }
    return sum;
  }

  private static boolean jvmThread(String comm) {
    for (String prefix : JVM_THREADS) {
      if (comm.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
