package org.kindling.symbol.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.nn.Activation.ActType;

/** The memory planner on small graphs; every plan is also checked by {@link PlanSafety}. */
class MemoryPlannerTest {
  private static final Shape X = Shape.of(4, 8);
  private static final long X_BYTES = 4 * 8 * 4;

  static ExecGraph lower(Symbol s, Map<String, Shape> inputs, Map<String, GradReq> reqs,
      boolean fuse) throws Exception {
    Graph g = Graph.of(SymbolJsonReader.read(s.toJson(), "test"));
    Shape[] shapes = ShapeInference.infer(g, inputs);
    DType[] types = TypeInference.infer(g, Map.of());
    return ExecGraph.of(g, shapes, types, GradientPass.plan(g, reqs), fuse);
  }

  /** Lowered without fusion, so that every node's output is a value of its own. */
  static ExecGraph lower(Symbol s, Map<String, Shape> inputs, Map<String, GradReq> reqs)
      throws Exception {
    return lower(s, inputs, reqs, false);
  }

  /** The value of output 0 of node {@code name}. */
  static int value(ExecGraph g, String name) {
    Graph graph = g.graph();
    for (int id = 0; id < graph.numNodes(); id++) {
      if (graph.node(id).name().equals(name)) {
        return graph.entryId(id, 0);
      }
    }
    throw new IllegalArgumentException(name);
  }

  private static MemoryPlan plan(ExecGraph g, PlanOptions o) {
    MemoryPlan p = MemoryPlanner.plan(g, o);
    PlanSafety.check(g, p);
    return p;
  }

  private static Symbol act(String name, Symbol in, ActType t) {
    return Symbol.activation(name, in, t);
  }

  @Test
  void aChainOfElementwiseOperatorsRunsInOneBuffer() throws Exception {
    Symbol x = Symbol.variable("x");
    Symbol c = act("c", act("b", act("a", x, ActType.RELU), ActType.SIGMOID), ActType.TANH);
    ExecGraph g = lower(c, Map.of("x", X), Map.of());
    MemoryPlan p = plan(g, PlanOptions.DEFAULT);
    int a = value(g, "a");
    assertThat(p.inPlace(a)).as("the input x is external").isFalse();
    assertThat(p.inPlace(value(g, "b"))).isTrue();
    assertThat(p.inPlace(value(g, "c"))).isTrue();
    assertThat(p.block(value(g, "c"))).isEqualTo(p.block(a));
    assertThat(p.numBlocks()).isEqualTo(1);
    assertThat(p.block(value(g, "x"))).as("variables are never planned").isEqualTo(-1);
    // without in-place, c can only take a's block once b has read it: two blocks
    assertThat(MemoryPlanner.report(g, PlanOptions.DEFAULT)).isEqualTo(
        new MemoryReport(3 * X_BYTES, X_BYTES, 2 * X_BYTES, X_BYTES));
    assertThat(plan(g, PlanOptions.OFF).numBlocks()).isEqualTo(3);
    assertThat(plan(g, PlanOptions.OFF).sharesBlocks()).isFalse();
    assertThat(p.sharesBlocks()).isTrue();
  }

  @Test
  void aValueWithALaterReaderIsNotOverwrittenInPlace() throws Exception {
    Symbol x = Symbol.variable("x");
    Symbol a = act("a", x, ActType.RELU);
    Symbol y = Symbol.elemwiseAdd("y", act("b", a, ActType.TANH), act("c", a, ActType.SIGMOID));
    ExecGraph g = lower(y, Map.of("x", X), Map.of());
    MemoryPlan p = plan(g, PlanOptions.DEFAULT);
    int va = value(g, "a");
    assertThat(p.inPlace(value(g, "b"))).as("a is still read by c").isFalse();
    assertThat(p.block(value(g, "b"))).isNotEqualTo(p.block(va));
    assertThat(p.inPlace(value(g, "c"))).as("c is a's last reader").isTrue();
    assertThat(p.block(value(g, "c"))).isEqualTo(p.block(va));
    assertThat(p.inPlace(value(g, "y"))).isTrue();
    assertThat(p.numBlocks()).isEqualTo(2);
  }

  @Test
  void backwardKeepsAliveWhatItDeclaresAndNothingElse() throws Exception {
    // softsign's backward reads its input, tanh's reads its output
    for (ActType t : new ActType[] {ActType.SOFTSIGN, ActType.TANH}) {
      Symbol fc = Symbol.fullyConnected("fc", Symbol.variable("x"), 8);
      Symbol out = act("b", act("a", fc, t), ActType.TANH);
      Map<String, GradReq> reqs = Map.of("fc_weight", GradReq.WRITE);
      ExecGraph train = lower(out, Map.of("x", X), reqs);
      MemoryPlan p = plan(train, PlanOptions.DEFAULT);
      assertThat(p.inPlace(value(train, "a"))).as("%s over fc's output when training", t)
          .isEqualTo(t == ActType.TANH);
      ExecGraph infer = lower(out, Map.of("x", X), Map.of());
      assertThat(plan(infer, PlanOptions.DEFAULT).inPlace(value(infer, "a")))
          .as("%s in place for inference", t).isTrue();
    }
  }

  @Test
  void valuesWhoseLivesDoNotOverlapShareABlock() throws Exception {
    Symbol x = Symbol.variable("x");
    Symbol f3 = Symbol.fullyConnected("f3", Symbol.fullyConnected("f2",
        Symbol.fullyConnected("f1", x, 8), 8), 8);
    ExecGraph g = lower(f3, Map.of("x", X), Map.of());
    MemoryPlan p = plan(g, PlanOptions.DEFAULT);
    assertThat(p.block(value(g, "f3"))).as("f1 is dead once f2 ran")
        .isEqualTo(p.block(value(g, "f1")));
    assertThat(p.block(value(g, "f2"))).isNotEqualTo(p.block(value(g, "f1")));
    assertThat(p.totalBytes()).isEqualTo(2 * X_BYTES);
    assertThat(plan(g, new PlanOptions(true, 0, false, false, false)).numBlocks())
        .as("match range 0").isEqualTo(3);
  }

  @Test
  void aBlockIsReusedOnlyWithinTheMatchRange() throws Exception {
    Symbol x = Symbol.variable("x");
    Symbol f3 = Symbol.fullyConnected("f3", Symbol.fullyConnected("f2",
        Symbol.fullyConnected("f1", x, 1024), 1024), 2);
    ExecGraph g = lower(f3, Map.of("x", Shape.of(1, 8)), Map.of());
    // f3 (8 bytes) is 512 times smaller than f1's free block (4096 bytes)
    MemoryPlan narrow = plan(g, PlanOptions.DEFAULT);
    assertThat(narrow.numBlocks()).isEqualTo(3);
    MemoryPlan wide = plan(g, new PlanOptions(false, 512, false, false, false));
    assertThat(wide.block(value(g, "f3"))).isEqualTo(wide.block(value(g, "f1")));
    // a larger value takes a smaller free block within the range, which grows
    Symbol grow = Symbol.fullyConnected("g3", Symbol.fullyConnected("g2",
        Symbol.fullyConnected("g1", x, 512), 600), 1024);
    ExecGraph gg = lower(grow, Map.of("x", Shape.of(1, 8)), Map.of());
    MemoryPlan pg = plan(gg, PlanOptions.DEFAULT);
    assertThat(pg.block(value(gg, "g3"))).isEqualTo(pg.block(value(gg, "g1")));
    assertThat(pg.blockBytes(pg.block(value(gg, "g1")))).isEqualTo(4096);
    MemoryPlan searched = plan(gg, new PlanOptions(true, 16, true, false, false));
    assertThat(searched.totalBytes()).isLessThanOrEqualTo(pg.totalBytes());
  }

  @Test
  void headsAndArgumentGradientsAreNeverPlannedOver() throws Exception {
    Symbol x = Symbol.variable("x");
    Symbol h1 = act("h1", Symbol.fullyConnected("fc1", x, 8), ActType.RELU);
    Symbol rest = Symbol.softmaxOutput("sm", Symbol.fullyConnected("fc3",
        act("a2", Symbol.fullyConnected("fc2", h1, 8), ActType.RELU), 8));
    Symbol both = Symbol.group(h1, rest);
    Map<String, GradReq> reqs = new HashMap<>();
    for (String arg : both.listArguments()) {
      reqs.put(arg, arg.equals("sm_label") ? GradReq.NULL : GradReq.WRITE);
    }
    ExecGraph g = lower(both, Map.of("x", X), reqs);
    MemoryPlan p = plan(g, PlanOptions.DEFAULT);
    int head = value(g, "h1");
    assertThat(g.pinned(head)).isTrue();
    int written = -1;
    for (int t = 0; t < g.steps().size(); t++) {
      for (int v : g.steps().get(t).writes()) {
        if (v == head) {
          written = t;
        }
        if (v != head && written >= 0 && p.block(v) >= 0) {
          assertThat(p.block(v)).as("%s written after the head", g.name(v))
              .isNotEqualTo(p.block(head));
        }
      }
    }
    for (String arg : both.listArguments()) {
      int v = value(g, arg);
      assertThat(p.block(v)).as(arg).isEqualTo(-1);
      assertThat(p.block(g.gradientOf(v))).as("gradient of " + arg).isEqualTo(-1);
    }
    assertThat(p.inPlace(value(g, "h1"))).as("relu over fc1: fc1's backward reads no output")
        .isTrue();
    assertThat(p.inPlace(value(g, "fc2"))).isFalse();
  }

  @Test
  void unreadVisibleOutputsGetZeroGradientsAndHiddenOutputsNone() throws Exception {
    Symbol x = Symbol.variable("x");
    Symbol parts = Symbol.create(org.kindling.tensor.op.shape.SliceChannel.OP, "split",
        org.kindling.tensor.op.shape.SliceChannel.OP.parseAttrs("split",
            Map.of("num_outputs", "2")), Map.of("data", x));
    Symbol y = act("y", parts.get(0), ActType.TANH);
    ExecGraph g = lower(y, Map.of("x", X), Map.of("x", GradReq.WRITE));
    int second = value(g, "split") + 1;
    assertThat(g.steps()).anyMatch(s -> s instanceof ExecGraph.Zero z
        && z.target() == g.gradientOf(second));
    MemoryPlan p = plan(g, PlanOptions.DEFAULT);
    assertThat(p.block(g.gradientOf(second))).isGreaterThanOrEqualTo(0);

    Symbol drop = Symbol.create(org.kindling.tensor.op.nn.Dropout.OP, "drop",
        org.kindling.tensor.op.nn.Dropout.OP.defaults(), Map.of("data", x));
    ExecGraph gd = lower(act("t", drop, ActType.TANH), Map.of("x", X),
        Map.of("x", GradReq.WRITE));
    int mask = value(gd, "drop") + 1;
    assertThat(gd.exists(mask)).isTrue();
    assertThat(gd.exists(gd.gradientOf(mask))).as("the mask takes no gradient").isFalse();
    plan(gd, PlanOptions.DEFAULT);
  }

  @Test
  void thePlannerKeepsTheSmallerOfBothStrategiesAndCoSharingAlone() throws Exception {
    // lenet at batch 1 for inference: in place is greedy there (fc1's relu cannot take the
    // 11,520-byte block that still holds flatten, so it takes a new 2,000-byte one)
    Symbol lenet = org.kindling.symbol.zoo.Zoo.get("lenet", 10, Shape.of(1, 28, 28));
    ExecGraph g = lower(lenet, Map.of("data", Shape.of(1, 1, 28, 28)), Map.of(), true);
    MemoryReport r = MemoryPlanner.report(g, PlanOptions.DEFAULT);
    assertThat(r).isEqualTo(new MemoryReport(139_760, 75_640, 57_680, 57_680));
    MemoryPlan p = plan(g, PlanOptions.DEFAULT);
    assertThat(p.totalBytes()).isEqualTo(57_680);
    assertThat(p.inPlace(value(g, "flatten0"))).as("the co-share-only plan was kept").isFalse();
    // where both strategies win (a chain of elementwise operators), their plan is kept
    Symbol x = Symbol.variable("x");
    ExecGraph chain = lower(act("b", act("a", x, ActType.RELU), ActType.TANH), Map.of("x", X),
        Map.of());
    assertThat(plan(chain, PlanOptions.DEFAULT).inPlace(value(chain, "b"))).isTrue();
  }
}
