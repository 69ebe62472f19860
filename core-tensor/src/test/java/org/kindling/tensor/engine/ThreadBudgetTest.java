package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.testing.SeededProperty;

class ThreadBudgetTest {
  private static ThreadBudget budget(Map<String, String> properties, int processors) {
    return ThreadBudget.resolve(properties::get, processors);
  }

  @Test
  void byDefaultEveryCoreGetsAnEngineWorkerAndBlasRunsOneThread() {
    ThreadBudget b = budget(Map.of(), 8);
    assertThat(b.cores()).isEqualTo(8);
    assertThat(b.engineThreads()).isEqualTo(8);
    assertThat(b.blasThreads()).isEqualTo(1);
    assertThat(b.ioThreads()).isEqualTo(ThreadBudget.DEFAULT_IO_THREADS);
    assertThat(b).hasToString("8 cores: 8 engine workers x 1 BLAS threads, 2 I/O workers");
  }

  @Test
  void oneOverrideDerivesTheOtherFromTheCores() {
    ThreadBudget bigMatrices = budget(Map.of(ThreadBudget.BLAS_THREADS, "8"), 8);
    assertThat(bigMatrices.engineThreads()).isEqualTo(1);
    ThreadBudget twoStreams = budget(Map.of(ThreadBudget.ENGINE_THREADS, "2"), 8);
    assertThat(twoStreams.blasThreads()).isEqualTo(4);
    ThreadBudget executor =
        budget(Map.of(ThreadBudget.CORES, "4", ThreadBudget.IO_THREADS, "3"), 64);
    assertThat(executor.engineThreads()).isEqualTo(4);
    assertThat(executor.ioThreads()).isEqualTo(3);
    ThreadBudget both =
        budget(Map.of(ThreadBudget.ENGINE_THREADS, "4", ThreadBudget.BLAS_THREADS, "4"), 2);
    assertThat(both.engineThreads() * both.blasThreads()).isEqualTo(16); // as given
  }

  @Test
  void derivedBudgetsNeverExceedTheCores() {
    SeededProperty.check(200, r -> new int[] {1 + r.nextInt(128), r.nextInt(3),
        1 + r.nextInt(160)}, c -> {
          int cores = c[0];
          String which = c[1] == 0 ? null
              : c[1] == 1 ? ThreadBudget.ENGINE_THREADS : ThreadBudget.BLAS_THREADS;
          ThreadBudget b = budget(which == null ? Map.of() : Map.of(which,
              Integer.toString(c[2])), cores);
          if (which == null || c[2] <= cores) {
            assertThat(b.engineThreads() * b.blasThreads()).isLessThanOrEqualTo(cores);
          }
          assertThat(b.engineThreads()).isPositive();
          assertThat(b.blasThreads()).isPositive();
        });
  }

  @Test
  void badValuesNameTheProperty() {
    assertThatThrownBy(() -> budget(Map.of(ThreadBudget.BLAS_THREADS, "0"), 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-Dkindling.blas.threads=0 is not a positive integer");
    assertThatThrownBy(() -> budget(Map.of(ThreadBudget.CORES, "many"), 4))
        .hasMessage("-Dkindling.cores=many is not a positive integer");
  }
}
