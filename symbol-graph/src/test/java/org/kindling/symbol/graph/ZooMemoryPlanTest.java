package org.kindling.symbol.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.zoo.Zoo;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;

/**
 * The plans of every zoo network at batch 64 (their usual inputs: 28x28 grey for mlp and lenet,
 * 224x224 colour for the rest), for training and inference: safe ({@link PlanSafety}), and at
 * least 2x (training) and 4x (inference) smaller than giving every value its own buffer, or, where
 * one step alone holds more than that (a shallow network's first, largest layers), within 5% of
 * that step's live bytes, which no plan can go below. The figures are those of
 * {@code docs/benchmarks.md}.
 */
class ZooMemoryPlanTest {
  static Iterable<String> networks() {
    return Zoo.names();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void plansAreSafeAndSmall(String name) throws Exception {
    boolean small = name.equals("mlp") || name.equals("lenet");
    Shape image = small ? Shape.of(1, 28, 28) : Shape.of(3, 224, 224);
    Symbol net = Zoo.get(name, small ? 10 : 1000, image);
    Shape data = Shape.of(64, image.get(0), image.get(1), image.get(2));
    Map<String, GradReq> train = new HashMap<>();
    for (String arg : net.listArguments()) {
      if (!arg.equals("data") && !arg.equals("softmax_label")) {
        train.put(arg, GradReq.WRITE);
      }
    }
    for (boolean training : new boolean[] {true, false}) {
      ExecGraph g = MemoryPlannerTest.lower(net, Map.of("data", data),
          training ? train : Map.of(), true);
      MemoryPlan p = MemoryPlanner.plan(g, PlanOptions.DEFAULT);
      long peak = PlanSafety.check(g, p);
      MemoryReport r = MemoryPlanner.report(g, PlanOptions.DEFAULT);
      assertThat(r.planned()).isEqualTo(p.totalBytes());
      assertThat(r.naive()).isEqualTo(p.naiveBytes());
      System.out.printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f |%n", name,
          training ? "train" : "infer", mib(r.naive()), mib(r.inplace()), mib(r.coshare()),
          mib(r.planned()), mib(peak), (double) r.naive() / r.planned());
      long goal = r.naive() / (training ? 2 : 4);
      assertThat(r.planned()).as("%s %s: %s, peak %d", name,
          training ? "training" : "inference", r, peak)
          .isLessThanOrEqualTo(Math.max(goal, peak + peak / 20));
    }
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }
}
