package org.kindling.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.tensor.profile.Profiler;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.storage.Storage;

/** {@code kindling bench score} on a tiny network: the output format and the usage errors. */
class BenchScoreCommandTest {
  @AfterEach
  void resetSettings() {
    CpuAccel.reset();
    System.clearProperty(ThreadBudget.CORES);
    Storage.get().resetLimit();
  }

  /** The cap on the arrays is an option, and the limit error names it. */
  @Test
  void memoryLimitCapsTheArraysAndTheErrorNamesTheOption() {
    CliRun r = CliRun.of("bench", "score", "--network", "mobilenet0.25", "--batch", "1",
        "--memory-limit", "1m", "--warmup", "0", "--warmup-seconds", "0", "--iterations", "1",
        "--timed-seconds", "0");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("Kindling array memory limit reached")
        .contains("would pass the cap of 1.0 MiB; raise it with --memory-limit SIZE");
    // without the option the cap stays (here a lowered one) and the error still names it
    Storage.get().setLimit(1 << 20, "-Dkindling.memory.limit=SIZE");
    CliRun dflt = CliRun.of("bench", "score", "--network", "mobilenet0.25", "--batch", "1",
        "--warmup", "0", "--warmup-seconds", "0", "--iterations", "1", "--timed-seconds", "0");
    assertThat(dflt.code()).isEqualTo(1);
    assertThat(dflt.err()).contains("the cap of 1.0 MiB; raise it with --memory-limit SIZE");
    CliRun bad = CliRun.of("bench", "score", "--network", "mobilenet0.25", "--batch", "1",
        "--memory-limit", "lots");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--memory-limit");
  }

  @Test
  void printsOneLinePerNetworkAndBatch() {
    CliRun r = CliRun.of("bench", "score", "--network", "mobilenet0.25", "--batch", "1,2",
        "--accel", "off", "--threads", "2", "--warmup", "1", "--warmup-seconds", "0",
        "--iterations", "1", "--timed-seconds", "0");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.lines()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      String[] f = r.lines().get(i).split("\t");
      assertThat(f).hasSize(3);
      assertThat(f[0]).isEqualTo("mobilenet0.25");
      assertThat(f[1]).isEqualTo(Integer.toString(i + 1));
      assertThat(f[2]).matches("\\d+\\.\\d\\d");
      assertThat(Double.parseDouble(f[2])).isPositive();
    }
    // set before binding, for the acceleration backend and the engine
    assertThat(CpuAccel.settings()).isEqualTo(new CpuAccel.Settings(CpuAccel.Mode.OFF, 2));
    assertThat(System.getProperty(ThreadBudget.CORES)).isEqualTo("2");
  }

  @Test
  void withoutAccelTheDefaultAutoApplies() {
    CliRun r = CliRun.of("bench", "score", "--network", "mobilenet0.25", "--batch", "1",
        "--warmup", "0", "--warmup-seconds", "0", "--iterations", "1", "--timed-seconds", "0");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.lines()).singleElement().asString().startsWith("mobilenet0.25\t1\t");
    assertThat(CpuAccel.settings().mode()).isEqualTo(CpuAccel.Mode.AUTO);
  }

  @Test
  void profileWritesTheTraceAndTheOperatorTable(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("score.json");
    CliRun r = CliRun.of("bench", "score", "--network", "mobilenet0.25", "--batch", "1",
        "--accel", "auto", "--warmup", "1", "--warmup-seconds", "0", "--iterations", "2",
        "--timed-seconds", "0",
        "--profile", trace.toString());
    Profiler.clear();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.lines()).singleElement().asString().startsWith("mobilenet0.25\t1\t");
    String json = Files.readString(trace);
    assertThat(json).startsWith("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[")
        .contains("\"cat\":\"operator\"").contains("\"name\":\"Convolution");
    // the table of the timed passes: two forwards of each operator
    assertThat(r.err()).contains("profile of the timed passes written to " + trace)
        .containsPattern("(?m)^SoftmaxOutput +2 ");
    assertThat(Profiler.isRunning()).isFalse();
  }

  @Test
  void slowPassStopsTheSweep() {
    CliRun r = CliRun.of("bench", "score", "--network", "mobilenet0.25", "--batch", "1,2",
        "--warmup", "0", "--warmup-seconds", "0", "--iterations", "1", "--timed-seconds", "0",
        "--max-seconds", "1e-9");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.lines()).singleElement().asString().startsWith("mobilenet0.25\t1\t");
    assertThat(r.err()).contains("larger batches skipped");
  }

  @Test
  void unknownNetworkIsAUsageErrorBeforeAnythingRuns() {
    CliRun r = CliRun.of("bench", "score", "--network", "mobilenet0.25,nosuchnet", "--batch", "1");
    assertThat(r.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("kindling: error: --network: unknown network 'nosuchnet'");
  }

  @Test
  void badAccelIsAUsageError() {
    CliRun r = CliRun.of("bench", "score", "--network", "alexnet", "--accel", "maybe");
    assertThat(r.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(r.err()).contains("--accel=maybe is not a mode; use auto, off or force");
    assertThat(CliRun.of("bench", "score", "--network", "alexnet", "--threads", "0").err())
        .contains("--threads=0 is not a positive integer");
    CliRun timed = CliRun.of("bench", "score", "--network", "alexnet", "--timed-seconds", "-1");
    assertThat(timed.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(timed.err()).contains("--timed-seconds >= 0");
  }
}
