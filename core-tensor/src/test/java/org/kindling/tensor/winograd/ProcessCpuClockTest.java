package org.kindling.tensor.winograd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class ProcessCpuClockTest {
  @Test
  void readsTheProcessCpuTimeInNanosecondsOnLinux() {
    LongSupplier clock = ProcessCpuClock.get();
    if (!System.getProperty("os.name").startsWith("Linux")) {
      return; // the JVM's own clocks are used elsewhere
    }
    assertThat(clock).as("clock_gettime through JNA").isNotNull();
    long before = clock.getAsLong();
    double sink = 0;
    for (int i = 0; i < 5_000_000; i++) {
      sink += Math.sqrt(i);
    }
    long after = clock.getAsLong();
    assertThat(sink).isPositive();
    assertThat(before).isPositive();
    // the JVM's process CPU time moves in 10 ms steps; this one counts the loop's own work
    assertThat(after).isGreaterThan(before);
    assertThat((after - before) % 10_000_000L).as("not a multiple of 10 ms").isNotZero();
  }
}
