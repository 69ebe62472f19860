package org.kindling.bench.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class TrainResultTest {

  @Test
  void rowShowsMedianRangeKindlingRatioAndAccuracy() {
    TrainResult r = new TrainResult("X", "1.0", new double[] {300, 100, 200}, "1 + 3", 0.87654, "n");
    assertThat(r.markdownRow(2, 500))
        .isEqualTo("| X | 1.0 | 2 | 1 + 3 | 200 | 100-300 | 2.50 | 0.8765 | n |\n");
    assertThat(r.markdownRow(2, Double.NaN))
        .isEqualTo("| X | 1.0 | 2 | 1 + 3 | 200 | 100-300 | - | 0.8765 | n |\n");
  }

  @Test
  void comparisonNamesTheFastestPeerAndTheRatioToDl4j() {
    List<TrainResult> results = List.of(
        new TrainResult("Kindling", "0", new double[] {900}, "1 + 1", 0.9, ""),
        new TrainResult("PyTorch", "0", new double[] {1000}, "1 + 1", 0.9, ""),
        new TrainResult("DL4J", "0", new double[] {100}, "1 + 1", 0.9, ""),
        TrainResult.notRun("MXNet", "failed"));
    assertThat(TrainBench.comparison(results, "Kindling", "DL4J"))
        .startsWith("- Kindling / fastest peer: 0.90 (PyTorch); Kindling / DL4J: 9.00 ");
    assertThat(TrainBench.comparison(results.subList(1, 4), "Kindling", "DL4J"))
        .isEqualTo("- Kindling / peers: no Kindling figure in this run");
    assertThat(TrainBench.comparison(results.subList(0, 1), "Kindling", "DL4J"))
        .startsWith("- Kindling / fastest peer: no peer ran; Kindling / DL4J: DL4J did not run ");
  }

  @Test
  void frameworkThatDidNotRunSaysWhyInsteadOfNumbers() {
    TrainResult r = TrainResult.notRun("DL4J", "not available: java.lang.NoClassDefFoundError: org/nd4j/X");
    assertThat(r.ran()).isFalse();
    assertThat(r.ran()).isFalse();
    assertThat(r.medianRate()).isNaN();
    assertThat(r.markdownRow(2, 100))
        .contains("| not run | - | - | - |")
        .contains("not available: java.lang.NoClassDefFoundError: org/nd4j/X");
  }

  @Test
  void runOneTurnsAMissingClassIntoARowAndKeepsGoing() {
    FrameworkRunner missing = new FrameworkRunner() {
      @Override
      public String name() {
        return "Missing";
      }

      @Override
      public TrainResult run(TrainSetup setup) {
        throw new NoClassDefFoundError("ai/djl/engine/Engine");
      }
    };
    TrainResult r = TrainWorker.runOne(missing, null, Duration.ofMinutes(1));
    assertThat(r.framework()).isEqualTo("Missing");
    assertThat(r.notes()).contains("not available").contains("ai/djl/engine/Engine");
  }

  @Test
  void runOneGivesUpOnAFrameworkThatNeverFinishes() {
    CountDownLatch never = new CountDownLatch(1);
    FrameworkRunner hung = new FrameworkRunner() {
      @Override
      public String name() {
        return "Hung";
      }

      @Override
      public TrainResult run(TrainSetup setup) throws InterruptedException {
        never.await();
        throw new AssertionError("unreachable");
      }
    };
    TrainResult r = TrainWorker.runOne(hung, null, Duration.ofMillis(200));
    assertThat(r.ran()).isFalse();
    assertThat(r.notes()).contains("no result within");
  }

  @Test
  void runOneReportsAnOrdinaryFailure() {
    FrameworkRunner failing = new FrameworkRunner() {
      @Override
      public String name() {
        return "Failing";
      }

      @Override
      public TrainResult run(TrainSetup setup) {
        throw new IllegalStateException("engine exploded");
      }
    };
    assertThat(TrainWorker.runOne(failing, null, Duration.ofMinutes(1)).notes())
        .isEqualTo("failed: java.lang.IllegalStateException: engine exploded");
  }
}
