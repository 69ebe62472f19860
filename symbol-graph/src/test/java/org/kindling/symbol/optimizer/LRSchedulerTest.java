package org.kindling.symbol.optimizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.optimizer.LRScheduler.WarmupMode;

/**
 * The schedulers against MXNet's formulas at chosen updates, and against MXNet's stateful
 * Python objects ({@link MxnetPython.Schedulers}) at every update of a run.
 */
class LRSchedulerTest {
  private static void sameAsPython(LRScheduler s, IntToDoubleFunction python, int upTo) {
    for (int n = 0; n <= upTo; n++) {
      assertThat(s.learningRate(n)).as("%s at num_update %d", s, n)
          .isEqualTo(python.applyAsDouble(n));
    }
  }

  @Test
  void factorDecaysOnceEveryStepAfterTheFirst() {
    FactorScheduler s = FactorScheduler.builder(10).factor(0.5).baseLr(1).build();
    assertThat(s.learningRate(10)).isEqualTo(1);
    assertThat(s.learningRate(11)).isEqualTo(0.5);
    assertThat(s.learningRate(21)).isEqualTo(0.25);
    assertThat(s.learningRate(5)).as("an earlier count after a later one").isEqualTo(1);
    sameAsPython(s, MxnetPython.Schedulers.factor(10, 0.5, 1e-8, 1, 0, 0, "linear", null), 100);
  }

  @Test
  void factorStopsAtItsFloorAndWarmsUp() {
    FactorScheduler s = FactorScheduler.builder(1).factor(0.1).stopFactorLr(1e-3).baseLr(0.5)
        .warmupSteps(3).warmupBeginLr(0.2).build();
    assertThat(s.learningRate(0)).isEqualTo(0.2);
    assertThat(s.learningRate(1)).isCloseTo(0.3, within(1e-15));
    assertThat(s.learningRate(40)).isEqualTo(1e-3);
    sameAsPython(s, MxnetPython.Schedulers.factor(1, 0.1, 1e-3, 0.5, 3, 0.2, "linear", null),
        40);
    FactorScheduler slow = FactorScheduler.builder(1).factor(0.999).stopFactorLr(1e-6)
        .baseLr(0.1).build();
    sameAsPython(slow, MxnetPython.Schedulers.factor(1, 0.999, 1e-6, 0.1, 0, 0, "linear", null),
        20_000);
  }

  @Test
  void theOptimizersRateReplacesTheBaseButNotTheWarmupTarget() {
    FactorScheduler s = FactorScheduler.builder(2).factor(0.5).baseLr(0.2).warmupSteps(4)
        .warmupMode(WarmupMode.LINEAR).build().withBaseLr(0.1);
    assertThat(s.learningRate(2)).as("half way to the scheduler's own 0.2").isEqualTo(0.1);
    assertThat(s.learningRate(3)).isCloseTo(0.15, within(1e-15));
    assertThat(s.learningRate(4)).as("then the optimizer's 0.1, decayed once").isEqualTo(0.05);
    sameAsPython(s, MxnetPython.Schedulers.factor(2, 0.5, 1e-8, 0.2, 4, 0, "linear", 0.1), 30);
  }

  @Test
  void multiFactorDecaysAfterEachListedStep() {
    MultiFactorScheduler s = MultiFactorScheduler.builder(5, 8).factor(0.1).baseLr(1).build();
    assertThat(s.learningRate(5)).isEqualTo(1);
    assertThat(s.learningRate(6)).isEqualTo(0.1);
    assertThat(s.learningRate(9)).isCloseTo(0.01, within(1e-17));
    sameAsPython(s, MxnetPython.Schedulers.multiFactor(List.of(5, 8), 0.1, 1, 0, 0, "linear",
        null), 20);
    MultiFactorScheduler warm = MultiFactorScheduler.builder(3, 6).factor(0.5).baseLr(0.4)
        .warmupSteps(4).warmupBeginLr(0.1).warmupMode(WarmupMode.CONSTANT).build()
        .withBaseLr(0.3);
    assertThat(warm.learningRate(3)).isEqualTo(0.1);
    sameAsPython(warm, MxnetPython.Schedulers.multiFactor(List.of(3, 6), 0.5, 0.4, 4, 0.1,
        "constant", 0.3), 20);
  }

  @Test
  void polyFallsToTheFinalRateAtMaxUpdate() {
    PolyScheduler s = PolyScheduler.builder(10).baseLr(1).build();
    assertThat(s.learningRate(5)).isEqualTo(0.25);
    assertThat(s.learningRate(10)).isEqualTo(0);
    assertThat(s.learningRate(12)).isEqualTo(0);
    PolyScheduler warm = PolyScheduler.builder(20).baseLr(0.5).pwr(1.5).finalLr(0.01)
        .warmupSteps(5).warmupBeginLr(0.1).build().withBaseLr(0.9);
    assertThat(warm.learningRate(5)).as("the optimizer's rate does not move poly's start")
        .isEqualTo(0.5);
    sameAsPython(warm, MxnetPython.Schedulers.poly(20, 0.5, 1.5, 0.01, 5, 0.1, "linear", 0.9),
        40);
  }

  @Test
  void cosineHalvesAtMidpoint() {
    CosineScheduler s = CosineScheduler.builder(10).baseLr(1).build();
    assertThat(s.learningRate(5)).isCloseTo(0.5, within(1e-15));
    assertThat(s.learningRate(10)).isEqualTo(0);
    CosineScheduler warm = CosineScheduler.builder(12).baseLr(0.2).finalLr(0.02).warmupSteps(3)
        .warmupBeginLr(0.05).warmupMode(WarmupMode.CONSTANT).build().withBaseLr(0.7);
    sameAsPython(warm, MxnetPython.Schedulers.cosine(12, 0.2, 0.02, 3, 0.05, "constant", 0.7),
        30);
  }

  @Test
  void badArgumentsAreRefusedByName() {
    assertThatThrownBy(() -> FactorScheduler.builder(0).build()).hasMessageContaining("step=0");
    assertThatThrownBy(() -> FactorScheduler.builder(1).factor(1.5).build())
        .hasMessageContaining("factor=1.5");
    assertThatThrownBy(() -> MultiFactorScheduler.builder(4, 4).build())
        .hasMessageContaining("must increase");
    assertThatThrownBy(() -> PolyScheduler.builder(5).warmupSteps(5).build())
        .hasMessageContaining("max_update=5");
    assertThatThrownBy(() -> CosineScheduler.builder(5).baseLr(0.1).warmupBeginLr(0.2).build())
        .hasMessageContaining("warmup_begin_lr=0.2");
    assertThatThrownBy(() -> FactorScheduler.builder(1).warmupSteps(-1).build())
        .hasMessageContaining("warmup_steps=-1");
  }
}
