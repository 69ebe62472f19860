package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.nn.Activation.ActType;

/** What memory planning means for an executor's users: monitors, heads, backward, switches. */
class ExecutorPlanningTest {
  private static final Shape DATA = Shape.of(6, 12);

  /** data -> fc1 -> relu1 -> fc2 -> tanh2 -> fc3 -> softmax. */
  private static Symbol net() {
    return ExecutorTest.mlp();
  }

  private static Executor bind(Symbol s, GradReq req, PlanOptions plan) {
    Map<String, GradReq> reqs = new LinkedHashMap<>();
    for (String a : s.listArguments()) {
      reqs.put(a, a.equals("data") || a.endsWith("label") ? GradReq.NULL : req);
    }
    Executor e = s.simpleBind(Map.of("data", DATA), reqs, plan);
    SplittableRandom rnd = new SplittableRandom(9);
    e.argDict().forEach((name, a) -> {
      float[] v = new float[(int) a.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = name.endsWith("label") ? rnd.nextInt(4) : (float) rnd.nextDouble(-1, 1);
      }
      a.set(v);
    });
    return e;
  }

  /** Runs forward with a monitor that copies every output; returns the copies by name. */
  private static Map<String, float[]> monitored(Executor e, Map<String, NDArray> seen) {
    Map<String, NDArray> copies = new LinkedHashMap<>();
    e.setMonitor((name, a) -> {
      copies.put(name, a.copy()); // an engine operation: runs after the node, before reuse
      seen.put(name, a);
    });
    e.forward(false);
    e.setMonitor(null);
    Map<String, float[]> out = new LinkedHashMap<>();
    copies.forEach((name, c) -> {
      out.put(name, c.toFloatArray());
      c.close();
    });
    return out;
  }

  @Test
  void theMonitorSeesEveryOutputBeforeItsBufferIsReused() {
    try (Executor on = bind(net(), GradReq.NULL, PlanOptions.DEFAULT);
        Executor off = bind(net(), GradReq.NULL, PlanOptions.OFF)) {
      Map<String, NDArray> seenOn = new LinkedHashMap<>();
      Map<String, NDArray> seenOff = new LinkedHashMap<>();
      Map<String, float[]> a = monitored(on, seenOn);
      Map<String, float[]> b = monitored(off, seenOff);
      assertThat(b.keySet()).containsExactly("fc1_output", "relu1_output", "fc2_output",
          "tanh2_output", "fc3_output", "softmax_output");
      // fused, fc1 and fc2 write straight into their activations' buffers
      assertThat(a.keySet()).containsExactly("relu1_output", "tanh2_output", "fc3_output",
          "softmax_output");
      a.forEach((name, v) -> assertThat(v).as(name).containsExactly(b.get(name)));
      // afterwards, unplanned buffers still hold every output; planned ones were reused
      List<String> reused = new ArrayList<>();
      seenOn.forEach((name, arr) -> {
        if (!java.util.Arrays.equals(arr.toFloatArray(), a.get(name))) {
          reused.add(name);
        }
      });
      seenOff.forEach((name, arr) -> assertThat(arr.toFloatArray()).as(name)
          .containsExactly(b.get(name)));
      assertThat(reused).as("outputs overwritten by later values").isNotEmpty()
          .doesNotContain("softmax_output");
      // softmax took fc3's buffer in place: fc3's monitored value is gone, softmax's is there
      assertThat(reused).contains("fc3_output");
    }
  }

  @Test
  void headsKeepTheirValuesThroughBackward() {
    Symbol x = Symbol.variable("data");
    Symbol h1 = Symbol.activation("h1", Symbol.fullyConnected("fc1", x, 10), ActType.RELU);
    Symbol rest = Symbol.softmaxOutput("softmax", Symbol.fullyConnected("fc3",
        Symbol.activation("a2", Symbol.fullyConnected("fc2", h1, 10), ActType.TANH), 4));
    Symbol both = Symbol.group(h1, rest);
    try (Executor on = bind(both, GradReq.WRITE, PlanOptions.DEFAULT);
        Executor off = bind(both, GradReq.WRITE, PlanOptions.OFF);
        NDArray headGrad = NDArray.zeros(6, 10)) {
      headGrad.fill(0.5f);
      for (Executor e : List.of(on, off)) {
        e.forward(true);
        e.backward(java.util.Arrays.asList(headGrad, null));
      }
      for (int h = 0; h < 2; h++) {
        assertThat(on.outputs().get(h).toFloatArray()).as("head %d", h)
            .containsExactly(off.outputs().get(h).toFloatArray());
      }
      on.gradDict().forEach((name, g) -> assertThat(g.toFloatArray()).as(name)
          .containsExactly(off.gradDict().get(name).toFloatArray()));
    }
  }

  @Test
  void backwardNeedsAForwardAgainWhenBuffersAreShared() {
    try (Executor on = bind(net(), GradReq.WRITE, PlanOptions.DEFAULT);
        Executor off = bind(net(), GradReq.WRITE, PlanOptions.OFF)) {
      assertThat(on.memoryPlan().sharesBlocks()).isTrue();
      assertThat(off.memoryPlan().sharesBlocks()).isFalse();
      on.forward(true);
      on.backward();
      assertThatThrownBy(on::backward).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("forward(true) first").hasMessageContaining("PlanOptions.OFF");
      off.forward(true);
      off.backward();
      off.backward();
      on.forward(true);
      on.backward();
      off.gradDict().forEach((name, g) -> assertThat(on.gradDict().get(name).toFloatArray())
          .as(name).containsExactly(g.toFloatArray()));
    }
  }

  @Test
  void anUnreadOutputPassesAZeroGradient() {
    Symbol x = Symbol.variable("x");
    Symbol parts = Symbol.create(org.kindling.tensor.op.shape.SliceChannel.OP, "split",
        org.kindling.tensor.op.shape.SliceChannel.OP.parseAttrs("split",
            Map.of("num_outputs", "2")), Map.of("data", x));
    // y = fc(tanh(first half of x)), 16 outputs, head gradient ones, weights 0.5: at x = 0 the
    // first half's gradient is 16 * 0.5 * tanh'(0) = 8
    Symbol y = Symbol.fullyConnected("fc", Symbol.activation("t", parts.get(0), ActType.TANH),
        16);
    for (PlanOptions plan : List.of(PlanOptions.DEFAULT, PlanOptions.OFF)) {
      try (Executor e = y.simpleBind(Map.of("x", Shape.of(6, 4)), Map.of("x", GradReq.WRITE,
          "fc_weight", GradReq.WRITE), plan)) {
        e.argDict().get("x").set(new float[24]);
        e.argDict().get("fc_weight").fill(0.5f);
        e.forward(true);
        e.backward();
        float[] g = e.gradDict().get("x").toFloatArray();
        for (int row = 0; row < 6; row++) {
          for (int col = 0; col < 4; col++) {
            float v = g[row * 4 + col];
            // split cuts axis 1: columns 2 and 3 are the unread second output
            assertThat(v).as("%s: d x[%d][%d]", plan, row, col).isEqualTo(col < 2 ? 8f : 0f);
          }
        }
      }
    }
  }

  @Test
  void anInternalOutputRunsOnlyTheNodesItNeeds() {
    Symbol fc2 = net().internals().get("fc2_output");
    try (Executor e = fc2.simpleBind(Map.of("data", DATA), GradReq.NULL)) {
      List<String> ran = new ArrayList<>();
      e.setMonitor((name, a) -> ran.add(name));
      e.forward(false);
      assertThat(ran).containsExactly("relu1_output", "fc2_output"); // fc1 and relu1 fused
      assertThat(e.outputs().get(0).shape()).isEqualTo(Shape.of(6, 6));
    }
  }

  @Test
  void planningIsSwitchedBySystemProperties() {
    String[] keys = {"kindling.exec.plan", "kindling.exec.inplace", "kindling.exec.matchRange",
        "kindling.exec.autoSearchMatchRange", "kindling.exec.fuse", "kindling.exec.fold"};
    try {
      assertThat(PlanOptions.fromSystemProperties()).isEqualTo(PlanOptions.DEFAULT);
      System.setProperty("kindling.exec.inplace", "false");
      System.setProperty("kindling.exec.matchRange", "4");
      System.setProperty("kindling.exec.autoSearchMatchRange", "true");
      System.setProperty("kindling.exec.fuse", "false");
      System.setProperty("kindling.exec.fold", "false");
      assertThat(PlanOptions.fromSystemProperties())
          .isEqualTo(new PlanOptions(false, 4, true, false, false));
      System.setProperty("kindling.exec.plan", "false");
      assertThat(PlanOptions.fromSystemProperties()).isEqualTo(PlanOptions.OFF);
      try (Executor e = net().simpleBind(Map.of("data", DATA), GradReq.WRITE)) {
        assertThat(e.memoryPlan().sharesBlocks()).isFalse();
      }
      System.setProperty("kindling.exec.plan", "maybe");
      assertThatThrownBy(PlanOptions::fromSystemProperties)
          .hasMessageContaining("-Dkindling.exec.plan=maybe").hasMessageContaining("true or false");
      System.clearProperty("kindling.exec.plan");
      System.setProperty("kindling.exec.matchRange", "x");
      assertThatThrownBy(PlanOptions::fromSystemProperties)
          .hasMessageContaining("-Dkindling.exec.matchRange=x");
      assertThatThrownBy(() -> new PlanOptions(true, -1, false, true, true))
          .hasMessageContaining("matchRange");
    } finally {
      for (String k : keys) {
        System.clearProperty(k);
      }
    }
  }
}
