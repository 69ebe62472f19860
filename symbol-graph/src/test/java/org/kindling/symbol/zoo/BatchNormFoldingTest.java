package org.kindling.symbol.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.symbol.Executor;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.Randoms;

/**
 * BatchNorm folded into the convolution before it (inference bindings, {@link
 * PlanOptions#fold()}): every zoo network with BatchNorm gives the same inference logits within
 * float32 rounding with folding on as off, also after its parameters and moving statistics
 * change after bind (the folded weights are recomputed by every forward), and the same bits for
 * a training forward of the same binding (which normalizes with the batch's statistics and so
 * runs the two layers unfolded).
 */
class BatchNormFoldingTest {
  static Stream<SmallZoo.Net> networks() {
    return SmallZoo.networks().stream().filter(SmallZoo.Net::hasBatchNorm);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void foldingKeepsTheOutputWithinRounding(SmallZoo.Net net) {
    try (SmallZoo.Arrays arrays = SmallZoo.arrays(net);
        Executor folded = bind(net, arrays, PlanOptions.DEFAULT);
        Executor unfolded = bind(net, arrays, PlanOptions.DEFAULT.withFold(false))) {
      assertThat(batchNormOutputsSeen(folded)).as("%s: some BatchNorm is folded", net)
          .isLessThan(batchNormOutputsSeen(unfolded));
      float[] before = close(folded, unfolded, net + " output");

      // parameters change after bind: the next forward folds the new values
      SplittableRandom rnd = new SplittableRandom(7);
      for (Map.Entry<String, NDArray> a : arrays.aux().entrySet()) {
        a.getValue().set(ZooCases.initial(a.getKey(), a.getValue().shape(), rnd));
      }
      for (Map.Entry<String, NDArray> a : arrays.args().entrySet()) {
        if (a.getKey().endsWith("_gamma") || a.getKey().endsWith("_beta")) {
          a.getValue().set(ZooCases.initial(a.getKey(), a.getValue().shape(), rnd));
        }
      }
      float[] after = close(folded, unfolded, net + " output after new statistics");
      assertThat(after).as("the new statistics are used").isNotEqualTo(before);

      for (Executor e : new Executor[] {unfolded, folded}) {
        Randoms.seed(5);
        e.forward(true);
      }
      ZooPlanningTest.same(unfolded.outputs().get(0), folded.outputs().get(0),
          net + " training forward of an inference binding");
    }
  }

  /** Runs both inference forwards; asserts outputs within float32 rounding; returns one. */
  private static float[] close(Executor folded, Executor unfolded, String what) {
    folded.forward(false);
    unfolded.forward(false);
    float[] a = folded.outputs().get(0).toFloatArray();
    float[] b = unfolded.outputs().get(0).toFloatArray();
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-5 + Math.abs(b[i])));
    }
    System.out.printf("%s: largest relative difference %.2e%n", what, worst);
    assertThat(worst).as(what).isLessThan(1e-3);
    return a;
  }

  /**
   * Binds the network's logits (the softmax's input: its probabilities saturate in the deep
   * networks at these random weights, and would hide differences) for inference to the shared
   * arrays (auxiliary states included: inference only reads them).
   */
  static Executor bind(SmallZoo.Net net, SmallZoo.Arrays arrays, PlanOptions plan) {
    Symbol internals = net.symbol().internals();
    List<String> names = internals.listOutputs();
    String logits = names.get(names.indexOf("softmax_output") - 2); // before softmax_label
    return internals.get(logits).bind(arrays.args(), Map.of(), Map.of(), arrays.aux(), plan);
  }

  /** How many BatchNorm outputs a monitor sees in an inference forward (folded ones are not). */
  private static int batchNormOutputsSeen(Executor e) {
    Map<String, Boolean> seen = new LinkedHashMap<>();
    e.setMonitor((name, a) -> seen.put(name, true));
    e.forward(false);
    e.setMonitor(null);
    int n = 0;
    for (String name : seen.keySet()) {
      String node = name.substring(0, name.lastIndexOf('_'));
      if (e.auxDict().containsKey(node + "_moving_mean")) {
        n++;
      }
    }
    return n;
  }
}
