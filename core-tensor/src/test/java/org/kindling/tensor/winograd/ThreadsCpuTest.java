package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The two per-thread CPU clocks: the JVM's own threads and the others, told apart by name. */
class ThreadsCpuTest {
  private static final long SPIN_NANOS = 50_000_000L;

  @Test
  void theProcessClockCountsOtherThreadsWorkAndNotTheJvms() throws InterruptedException {
    long[] process = spinOn("kindling-spin", ThreadsCpu::processNanos);
    assertThat(process[1] - process[0]).as("the other thread's 50 ms of CPU time are counted")
        .isGreaterThanOrEqualTo(SPIN_NANOS);
  }

  /** A thread named as the JVM's collectors are ({@code comm}: its first 15 characters). */
  @Test
  void theJvmClockCountsThreadsNamedAsTheJvmsOwn() throws InterruptedException {
    long[] jvm = spinOn("GC Thread#spin", ThreadsCpu::jvmNanos);
    assertThat(jvm[1] - jvm[0]).as("50 ms of a GC-named thread count as the JVM's")
        .isGreaterThanOrEqualTo(SPIN_NANOS);
    long[] process = spinOn("GC Thread#spin", ThreadsCpu::processNanos);
    assertThat(process[1] - process[0]).as("and not as the process's work")
        .isLessThan(SPIN_NANOS);
  }

  /**
   * {@code clock} before and after a thread named {@code name} spent 50 ms of CPU time (read
   * while it is alive: an ended thread takes its time along).
   */
  private static long[] spinOn(String name, LongSupplier clock) throws InterruptedException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    CountDownLatch spun = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    long before = clock.getAsLong();
    Thread spinner = new Thread(() -> {
      long t0 = mx.getCurrentThreadCpuTime();
      double x = 1;
      while (mx.getCurrentThreadCpuTime() - t0 < SPIN_NANOS) {
        for (int i = 0; i < 10_000; i++) {
          x = x * 1.0000001 + 1e-9;
        }
      }
      if (x < 0) {
        throw new AssertionError(); // keeps the loop
      }
      spun.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    spinner.start();
    spun.await();
    long after = clock.getAsLong();
    release.countDown();
    spinner.join();
    return new long[] {before, after};
  }
}
