package org.kindling.symbol.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.symbol.Executor;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.profile.Profiler;

/**
 * An inference binding on oneDNN keeps its reordered (and BatchNorm-folded) weights between
 * forwards while they are unchanged, and never serves stale ones: after a parameter or a moving
 * statistic changes (through the engine, or written directly after {@code waitToWrite}) the next
 * forward gives the bits of an executor bound afresh to the same arrays.
 */
class InferenceWeightCacheTest {
  private static final String REORDER = "reorder weights";

  @AfterEach
  void reset() {
    CpuAccel.reset();
    Profiler.stop();
    Profiler.clear();
  }

  static Stream<SmallZoo.Net> networks() {
    // convolutions with and without a folded BatchNorm, FullyConnected
    return Stream.of("lenet", "resnet18", "alexnet").map(n -> SmallZoo.smallest(n, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void weightsAreReorderedOncePerVersion(SmallZoo.Net net) {
    CpuAccel.configure(CpuAccel.Mode.FORCE, 0);
    try (SmallZoo.Arrays arrays = SmallZoo.arrays(net);
        Executor cached = BatchNormFoldingTest.bind(net, arrays, PlanOptions.DEFAULT)) {
      int first = reorders(cached);
      float[] before = output(cached);
      assertThat(first).as("the first forward reorders weights").isPositive();
      assertThat(reorders(cached)).as("an unchanged forward reorders none").isZero();
      assertThat(output(cached)).isEqualTo(before);

      // through the engine: every weight and moving statistic is set anew
      SplittableRandom rnd = new SplittableRandom(3);
      for (Map.Entry<String, NDArray> a : arrays.args().entrySet()) {
        if (a.getKey().endsWith("_weight") || a.getKey().endsWith("_gamma")) {
          a.getValue().set(ZooCases.initial(a.getKey(), a.getValue().shape(), rnd));
        }
      }
      for (Map.Entry<String, NDArray> a : arrays.aux().entrySet()) {
        a.getValue().set(ZooCases.initial(a.getKey(), a.getValue().shape(), rnd));
      }
      assertThat(reorders(cached)).as("new weights are reordered again").isEqualTo(first);
      float[] after = output(cached);
      assertThat(after).as("the new weights are used").isNotEqualTo(before);
      assertThat(after).isEqualTo(fresh(net, arrays));

      // directly into the storage after waitToWrite: every weight, then one moving mean
      for (Map.Entry<String, NDArray> a : arrays.args().entrySet()) {
        if (a.getKey().endsWith("_weight")) {
          scale(a.getValue(), 0.5f);
        }
      }
      assertThat(reorders(cached)).as("weights written directly are reordered again")
          .isEqualTo(first);
      float[] direct = output(cached);
      assertThat(direct).isNotEqualTo(after).isEqualTo(fresh(net, arrays));
      if (!arrays.aux().isEmpty()) {
        scale(arrays.aux().values().iterator().next(), 0.25f);
        float[] moved = output(cached);
        assertThat(moved).isNotEqualTo(direct).isEqualTo(fresh(net, arrays));
      }
    }
  }

  /** Multiplies {@code a} by {@code factor}, writing its storage directly. */
  private static void scale(NDArray a, float factor) {
    a.waitToWrite();
    FloatBuffer f = a.floatBuffer();
    for (int i = 0; i < f.capacity(); i++) {
      f.put(i, f.get(i) * factor);
    }
  }

  /** The weight reorders of one inference forward. */
  private static int reorders(Executor e) {
    Profiler.clear();
    Profiler.start();
    output(e);
    Profiler.stop();
    return (int) Profiler.events().stream().filter(ev -> ev.name().equals(REORDER)).count();
  }

  private static float[] output(Executor e) {
    e.forward(false);
    return e.outputs().get(0).toFloatArray();
  }

  /** The output of an executor bound afresh (new kernels, nothing kept) to the same arrays. */
  private static float[] fresh(SmallZoo.Net net, SmallZoo.Arrays arrays) {
    try (Executor e = BatchNormFoldingTest.bind(net, arrays, PlanOptions.DEFAULT)) {
      return output(e);
    }
  }
}
