package org.kindling.symbol.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.GradReq;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.op.nn.Activation.ActType;

class GradientPassTest {
  private static Graph graphOf(Symbol s) throws Exception {
    return Graph.of(SymbolJsonReader.read(s.toJson(), "test"));
  }

  /** data -> fc1 (4) -> relu -> fc2 (3) -> softmax "sm". */
  private static Symbol mlp() {
    return Symbol.softmaxOutput("sm", Symbol.fullyConnected("fc2",
        Symbol.activation("act", Symbol.fullyConnected("fc1", Symbol.variable("data"), 4),
            ActType.RELU), 3));
  }

  private static List<String> stepNames(Graph g, GradientPlan p) {
    return p.steps().stream().map(s -> g.node(s.nodeId()).name()).toList();
  }

  @Test
  void stepsRunInReverseTopologicalOrderAndSkipInputsWithoutGradient() throws Exception {
    Graph g = graphOf(mlp());
    GradientPlan p = GradientPass.plan(g, Map.of("fc1_weight", GradReq.WRITE,
        "fc1_bias", GradReq.WRITE, "fc2_weight", GradReq.WRITE, "fc2_bias", GradReq.WRITE));
    assertThat(stepNames(g, p)).containsExactly("sm", "fc2", "act", "fc1");
    assertThat(p.steps().get(0).inputReqs()).containsExactly(GradReq.WRITE, GradReq.NULL);
    assertThat(p.steps().get(3).inputReqs())
        .containsExactly(GradReq.NULL, GradReq.WRITE, GradReq.WRITE);
    assertThat(p.headSeed(0)).as("loss head needs no seed").isEqualTo(GradReq.NULL);
  }

  @Test
  void onlyNodesOnAPathToAWantedGradientRunBackward() throws Exception {
    Graph g = graphOf(mlp());
    GradientPlan p = GradientPass.plan(g, Map.of("fc2_bias", GradReq.WRITE));
    assertThat(stepNames(g, p)).containsExactly("sm", "fc2");
    assertThat(p.steps().get(1).inputReqs())
        .containsExactly(GradReq.NULL, GradReq.NULL, GradReq.WRITE);
  }

  @Test
  void sharedEntriesWriteFirstThenAdd() throws Exception {
    Symbol x = Symbol.variable("x");
    Symbol a = Symbol.activation("a", x, ActType.TANH);
    Symbol y = Symbol.elemwiseAdd("y", a, Symbol.elemwiseAdd("z", a, a));
    Graph g = graphOf(y);
    GradientPlan p = GradientPass.plan(g, Map.of("x", GradReq.WRITE));
    assertThat(stepNames(g, p)).containsExactly("y", "z", "a");
    assertThat(p.steps().get(0).inputReqs()).containsExactly(GradReq.WRITE, GradReq.WRITE);
    assertThat(p.steps().get(1).inputReqs()).containsExactly(GradReq.ADD, GradReq.ADD);
    assertThat(p.steps().get(2).inputReqs()).containsExactly(GradReq.WRITE);
    assertThat(p.headSeed(0)).as("non-loss head is seeded").isEqualTo(GradReq.WRITE);
  }

  @Test
  void addRequestedVariablesAlwaysAccumulate() throws Exception {
    Symbol x = Symbol.variable("x");
    Graph g = graphOf(Symbol.activation("a", x, ActType.RELU));
    GradientPlan p = GradientPass.plan(g, Map.of("x", GradReq.ADD));
    assertThat(p.steps().get(0).inputReqs()).containsExactly(GradReq.ADD);
    int xEntry = g.entryId(g.nodeId(g.nodes().get(0)), 0);
    assertThat(p.needsGrad(xEntry)).isTrue();
    assertThat(GradientPass.plan(g, Map.of()).steps()).isEmpty();
  }
}
