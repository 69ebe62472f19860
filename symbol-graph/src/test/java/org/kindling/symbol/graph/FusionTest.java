package org.kindling.symbol.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.nn.Activation.ActType;

class FusionTest {
  private static final Map<String, Shape> X = Map.of("x", Shape.of(4, 8));

  private static List<ExecGraph.Forward> forwards(ExecGraph g) {
    return g.forwardSteps().stream().map(s -> (ExecGraph.Forward) s).toList();
  }

  private static String name(ExecGraph g, int node) {
    return g.graph().node(node).name();
  }

  @Test
  void anActivationRunsInsideTheLayerBeforeIt() throws Exception {
    Symbol y = Symbol.activation("a", Symbol.fullyConnected("fc", Symbol.variable("x"), 8),
        ActType.RELU);
    Symbol out = Symbol.fullyConnected("head", y, 3);
    for (Map<String, GradReq> reqs : List.of(Map.<String, GradReq>of(),
        Map.of("fc_weight", GradReq.WRITE, "x", GradReq.WRITE))) {
      ExecGraph g = MemoryPlannerTest.lower(out, X, reqs, true);
      List<ExecGraph.Forward> f = forwards(g);
      assertThat(f).hasSize(2);
      assertThat(name(g, f.get(0).node())).isEqualTo("fc");
      assertThat(name(g, f.get(0).epilogue())).isEqualTo("a");
      assertThat(g.name(f.get(0).out()[0])).isEqualTo("a_output");
      int fc = MemoryPlannerTest.value(g, "fc");
      assertThat(g.exists(fc)).as("fc's output is never a value of its own").isFalse();
      assertThat(g.naiveBytes()).as("naive still counts it")
          .isEqualTo(MemoryPlannerTest.lower(out, X, reqs, false).naiveBytes());
      PlanSafety.check(g, MemoryPlanner.plan(g, PlanOptions.DEFAULT));
    }
  }

  @Test
  void aLayerOutputReadTwiceOrByTheCallerStaysItsOwn() throws Exception {
    Symbol fc = Symbol.fullyConnected("fc", Symbol.variable("x"), 8);
    Symbol twice = Symbol.elemwiseAdd("sum", Symbol.activation("a", fc, ActType.RELU),
        Symbol.activation("b", fc, ActType.TANH));
    Symbol head = Symbol.group(fc, Symbol.activation("c", fc, ActType.RELU));
    for (Symbol s : List.of(twice, head)) {
      ExecGraph g = MemoryPlannerTest.lower(s, X, Map.of(), true);
      assertThat(forwards(g)).allMatch(f -> f.epilogue() < 0);
    }
  }

  @Test
  void trainingKeepsWhatABackwardReads() throws Exception {
    // softsign's backward reads its input, the layer's output
    Symbol out = Symbol.fullyConnected("head", Symbol.activation("a",
        Symbol.fullyConnected("fc", Symbol.variable("x"), 8), ActType.SOFTSIGN), 3);
    ExecGraph train = MemoryPlannerTest.lower(out, X, Map.of("fc_weight", GradReq.WRITE), true);
    assertThat(forwards(train)).allMatch(f -> f.epilogue() < 0);
    ExecGraph infer = MemoryPlannerTest.lower(out, X, Map.of(), true);
    assertThat(forwards(infer)).anyMatch(f -> f.epilogue() >= 0);
    // without a backward step for the activation (its input needs no gradient) it fuses too
    ExecGraph headOnly = MemoryPlannerTest.lower(out, X, Map.of("head_weight", GradReq.WRITE),
        true);
    assertThat(forwards(headOnly)).anyMatch(f -> f.epilogue() >= 0);
  }
}
