package org.kindling.symbol.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.Deconvolution;

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
  void anActivationRunsInsideTheDeconvolutionBeforeIt() throws Exception {
    Symbol deconv = Symbol.create(Deconvolution.OP, "up",
        Deconvolution.Params.of(new int[] {2, 2}, 4).withStride(2, 2),
        Map.of("data", Symbol.variable("x")));
    Symbol out = Symbol.fullyConnected("head", Symbol.activation("a", deconv, ActType.RELU), 3);
    ExecGraph g = MemoryPlannerTest.lower(out, Map.of("x", Shape.of(2, 3, 4, 4)),
        Map.of("up_weight", GradReq.WRITE, "x", GradReq.WRITE), true);
    ExecGraph.Forward f = forwards(g).get(0);
    assertThat(name(g, f.node())).isEqualTo("up");
    assertThat(name(g, f.epilogue())).isEqualTo("a");
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

  @Test
  void aBatchNormFoldsIntoTheConvolutionBeforeItOnlyForInferenceAndASingleReader()
      throws Exception {
    org.kindling.symbol.zoo.Layers nn = new org.kindling.symbol.zoo.Layers();
    Symbol conv = nn.conv(Symbol.variable("x")).name("conv").kernel(3, 3).numFilter(4).build();
    Symbol bn = nn.bn(conv).name("bn").fixGamma(false).build();
    Symbol out = Symbol.activation("relu", bn, ActType.RELU);
    Map<String, Shape> x = Map.of("x", Shape.of(2, 3, 8, 8));
    ExecGraph g = lower(out, x, Map.of(), true);
    List<ExecGraph.Forward> f = forwards(g);
    assertThat(f).hasSize(1);
    assertThat(name(g, f.get(0).node())).isEqualTo("conv");
    assertThat(name(g, f.get(0).folded())).isEqualTo("bn");
    assertThat(name(g, f.get(0).epilogue())).as("the relu after the folded bn").isEqualTo("relu");
    assertThat(f.get(0).in()).hasSize(3 + 4).as("conv's inputs, then bn's but its data");
    assertThat(g.exists(MemoryPlannerTest.value(g, "conv"))).isFalse();
    PlanSafety.check(g, MemoryPlanner.plan(g, PlanOptions.DEFAULT));

    assertThat(forwards(lower(out, x, Map.of(), false))).as("folding switched off").hasSize(3)
        .allMatch(s -> s.folded() < 0);
    ExecGraph train = lower(out, x, Map.of("conv_weight", GradReq.WRITE), true);
    assertThat(forwards(train)).as("a training binding").allMatch(s -> s.folded() < 0);
    Symbol twice = Symbol.group(bn, Symbol.activation("other", conv, ActType.TANH));
    assertThat(forwards(lower(twice, x, Map.of(), true))).as("conv's output read twice")
        .allMatch(s -> s.folded() < 0);
    assertThat(forwards(lower(Symbol.group(out, conv), x, Map.of(), true)))
        .as("conv's output a head").allMatch(s -> s.folded() < 0);
  }

  /** Lowered with fusion, and with folding as {@code fold} says. */
  private static ExecGraph lower(Symbol s, Map<String, Shape> inputs, Map<String, GradReq> reqs,
      boolean fold) throws Exception {
    Graph g = Graph.of(SymbolJsonReader.read(s.toJson(), "test"));
    return ExecGraph.of(g, ShapeInference.infer(g, inputs),
        TypeInference.infer(g, Map.of()), GradientPass.plan(g, reqs), true, fold);
  }
}
