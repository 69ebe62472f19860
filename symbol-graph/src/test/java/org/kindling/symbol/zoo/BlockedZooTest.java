package org.kindling.symbol.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.symbol.Executor;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.symbol.zoo.SmallZoo.Net;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.Randoms;

/**
 * Keeping values in oneDNN's blocked layouts between oneDNN kernels and running residual sums
 * inside the convolutions ({@link PlanOptions#blocked}) changes no inference result of the zoo
 * beyond float32 rounding (1e-5 of the largest magnitude), with the default {@code auto}
 * acceleration; on the ResNets both happen (values are blocked, adds are fused); a training
 * forward of the same inference binding (which runs row-major) gives the row-major binding's
 * result.
 */
class BlockedZooTest {
  private static final double TOL = 1e-5;

  @AfterEach
  void reset() {
    CpuAccel.reset();
  }

  static Stream<Net> networks() {
    return Stream.of("resnet18", "resnet50_v1", "resnet20", "inception-bn", "mobilenet",
        "vgg11_bn", "alexnet").map(name -> name.equals("resnet20")
            ? SmallZoo.networks().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow()
            : SmallZoo.smallest(name, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void blockedInferenceGivesTheRowMajorResults(Net net) {
    CpuAccel.configure(CpuAccel.Mode.AUTO, 0);
    try (SmallZoo.Arrays arrays = SmallZoo.arrays(net);
        Executor blocked = SmallZoo.bind(net, arrays, false, PlanOptions.DEFAULT);
        Executor rowMajor = SmallZoo.bind(net, arrays, false,
            PlanOptions.DEFAULT.withBlocked(false))) {
      assertThat(rowMajor.valueLayouts()).isEmpty();
      if (net.name().startsWith("resnet")) {
        assertThat(blocked.valueLayouts()).as("blocked values").isNotEmpty();
        assertThat(blocked.kernels()).as("adds inside convolutions")
            .anyMatch(c -> c.op().equals("elemwise_add")
                && !c.implementation().equals("default"));
      }
      blocked.forward(false);
      rowMajor.forward(false);
      close(blocked.outputs().get(0).toFloatArray(), rowMajor.outputs().get(0).toFloatArray(),
          net + " inference");
      Randoms.seed(5);
      blocked.forward(true);
      Randoms.seed(5);
      rowMajor.forward(true);
      assertThat(blocked.outputs().get(0).toFloatArray()).as(net + " training forward")
          .containsExactly(rowMajor.outputs().get(0).toFloatArray());
    }
  }

  static void close(float[] actual, float[] expected, String what) {
    double largest = 0;
    for (float v : expected) {
      largest = Math.max(largest, Math.abs(v));
    }
    assertThat(largest).as(what + ": a non-trivial result").isGreaterThan(0);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) Math.abs(actual[i] - expected[i])).as(what + " element " + i)
          .isLessThanOrEqualTo(TOL * largest);
    }
  }
}
