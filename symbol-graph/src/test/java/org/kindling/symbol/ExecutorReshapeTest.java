package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.symbol.zoo.Zoo;
import org.kindling.symbol.zoo.ZooCases;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.Randoms;

/**
 * {@link Executor#reshape} (MXNet's {@code Executor.reshape}) and binding with a shared
 * executor (MXNet's {@code shared_exec}, bucketing): parameters are the same arrays, internal
 * memory comes from the shared pool, and results equal those of an executor bound alone.
 */
class ExecutorReshapeTest {
  private static final Shape IMAGE = Shape.of(3, 28, 28);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  private static Shape data(int batch) {
    return Shape.of(batch, IMAGE.get(0), IMAGE.get(1), IMAGE.get(2));
  }

  /** The input shapes of a batch: data and labels. */
  private static Map<String, Shape> inputs(int batch) {
    return Map.of("data", data(batch), "softmax_label", Shape.of(batch));
  }

  /** resnet20 (BatchNorm: auxiliary states) bound at {@code batch}, random arrays. */
  private Executor bound(Symbol net, int batch, boolean train) {
    Map<String, GradReq> reqs = new LinkedHashMap<>();
    for (String a : net.listArguments()) {
      reqs.put(a, train && !a.equals("data") && !a.endsWith("label") ? GradReq.WRITE
          : GradReq.NULL);
    }
    Executor e = closing(net.simpleBind(Map.of("data", data(batch)), reqs, PlanOptions.DEFAULT));
    SplittableRandom rnd = new SplittableRandom(5);
    e.argDict().forEach((name, a) -> a.set(name.endsWith("label") ? labels(a.shape(), rnd)
        : ZooCases.initial(name, a.shape(), rnd)));
    e.auxDict().forEach((name, a) -> a.set(ZooCases.initial(name, a.shape(), rnd)));
    return e;
  }

  private static float[] labels(Shape s, SplittableRandom rnd) {
    float[] v = new float[s.intSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = rnd.nextInt(10);
    }
    return v;
  }

  /** An executor bound alone at {@code from}'s shapes, with copies of its arrays. */
  private Executor alone(Executor from) {
    Map<String, NDArray> args = new LinkedHashMap<>();
    from.argDict().forEach((n, a) -> args.put(n, closing(a.copy())));
    Map<String, NDArray> aux = new LinkedHashMap<>();
    from.auxDict().forEach((n, a) -> aux.put(n, closing(a.copy())));
    Map<String, NDArray> grads = new LinkedHashMap<>();
    from.gradDict().forEach((n, a) -> grads.put(n, closing(NDArray.zeros(a.shape()))));
    return closing(from.symbol().bind(args, grads, from.gradReqs(), aux, PlanOptions.DEFAULT));
  }

  private static Map<String, Shape> mlpInputs(int batch, int features) {
    return Map.of("data", Shape.of(batch, features), "softmax_label", Shape.of(batch));
  }

  private static Symbol resnet20() {
    return Zoo.get("resnet20", 10, IMAGE);
  }

  @Test
  void aReshapedExecutorSharesTheParametersAndComputesAsOneBoundAlone() {
    Executor big = bound(resnet20(), 8, true);
    Executor small = closing(big.reshape(inputs(3)));
    for (String p : big.gradDict().keySet()) {
      assertThat(small.argDict().get(p)).as(p).isSameAs(big.argDict().get(p));
      assertThat(small.gradDict().get(p)).as("gradient of " + p).isSameAs(big.gradDict().get(p));
    }
    assertThat(small.auxDict()).isNotEmpty();
    small.auxDict().forEach((n, a) -> assertThat(a).as(n).isSameAs(big.auxDict().get(n)));
    assertThat(small.gradReqs()).isEqualTo(big.gradReqs());
    // the smaller data array is a view of the bound one: its first rows
    NDArray smallData = small.argDict().get("data");
    assertThat(smallData.shape()).isEqualTo(data(3));
    float[] bigData = big.argDict().get("data").toFloatArray();
    assertThat(smallData.toFloatArray())
        .containsExactly(java.util.Arrays.copyOf(bigData, data(3).intSize()));
    assertThat(small.allocatedBlockBytes()).as("every block of the smaller plan is pooled")
        .isZero();

    Executor reference = alone(small);
    for (Executor e : List.of(small, reference)) {
      Randoms.seed(3);
      e.forward(true);
      e.backward();
    }
    same(reference.outputs().get(0), small.outputs().get(0), "training output");
    for (String p : reference.gradDict().keySet()) {
      same(reference.gradDict().get(p), small.gradDict().get(p), "gradient of " + p);
    }
    for (String a : reference.auxDict().keySet()) {
      same(reference.auxDict().get(a), small.auxDict().get(a), "updated " + a);
    }
    // the bound executor runs again afterwards (the two share memory, so one at a time)
    Executor bigReference = alone(big);
    big.forward(false);
    bigReference.forward(false);
    same(bigReference.outputs().get(0), big.outputs().get(0), "the first executor's output");
  }

  @Test
  void reshapeRefusesToChangeAParameterOrToGrowUnlessAllowed() {
    Symbol mlp = ExecutorTest.mlp();
    Executor e = closing(mlp.simpleBind(Map.of("data", Shape.of(6, 12)), GradReq.WRITE));
    assertThatThrownBy(() -> e.reshape(Map.of("data", Shape.of(6, 11))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'fc1_weight'").hasMessageContaining("partialShaping");
    assertThatThrownBy(() -> e.reshape(mlpInputs(9, 12)))
        .hasMessageContaining("'data'").hasMessageContaining("grow")
        .hasMessageContaining("allowUpSizing");
    Executor grown = closing(e.reshape(mlpInputs(9, 12), false, true));
    assertThat(grown.argDict().get("data").shape()).isEqualTo(Shape.of(9, 12));
    assertThat(grown.argDict().get("fc1_weight")).isSameAs(e.argDict().get("fc1_weight"));
    assertThat(grown.outputs().get(0).shape().get(0)).isEqualTo(9);
    Executor partial = closing(e.reshape(Map.of("data", Shape.of(6, 10)), true, false));
    assertThat(partial.argDict().get("fc1_weight").shape().get(1)).isEqualTo(10);
    assertThatThrownBy(() -> e.reshape(Map.of("nosuch", Shape.of(1))))
        .hasMessageContaining("'nosuch'");
    assertThatThrownBy(() -> e.reshape(Map.of("data", Shape.of(2, 12))))
        .as("a label not given that would change, as MXNet")
        .hasMessageContaining("'softmax_label'");
  }

  @Test
  void bindingWithASharedExecutorReusesItsBlocksAndParameters() {
    Symbol net = resnet20();
    Executor first = bound(net, 8, false);
    Executor unshared = closing(net.simpleBind(inputs(4), Map.of(), PlanOptions.DEFAULT));
    first.argDict().forEach((n, a) -> {
      if (!n.equals("data") && !n.endsWith("label")) {
        a.copyTo(unshared.argDict().get(n));
      }
    });
    first.auxDict().forEach((n, a) -> a.copyTo(unshared.auxDict().get(n)));
    Executor shared = closing(net.simpleBind(inputs(4), Map.of(), PlanOptions.DEFAULT,
        first));
    long alone = unshared.allocatedBlockBytes();
    long withSharing = shared.allocatedBlockBytes();
    System.out.printf("resnet20 at batch 4 after batch 8: internal blocks allocated %d bytes"
        + " alone, %d bytes sharing (plan %d bytes)%n", alone, withSharing,
        shared.memoryPlan().totalBytes());
    assertThat(alone).isEqualTo(unshared.memoryPlan().totalBytes()).isPositive();
    assertThat(withSharing).isLessThan(alone);
    assertThat(shared.argDict().get("conv0_weight")).isSameAs(first.argDict().get("conv0_weight"));
    assertThat(shared.argDict().get("data")).isNotSameAs(first.argDict().get("data"));
    float[] input = ZooCases.initial("data", data(4), new SplittableRandom(1));
    shared.argDict().get("data").set(input);
    unshared.argDict().get("data").set(input);
    shared.forward(false);
    unshared.forward(false);
    same(unshared.outputs().get(0), shared.outputs().get(0), "output of the sharing executor");

    // a larger executor allocates what the pool lacks; its blocks join the pool for later ones
    Executor larger = closing(net.simpleBind(inputs(16), Map.of(), PlanOptions.DEFAULT,
        first));
    assertThat(larger.allocatedBlockBytes()).isPositive();
    Executor again = closing(net.simpleBind(inputs(12), Map.of(), PlanOptions.DEFAULT,
        shared));
    assertThat(again.allocatedBlockBytes()).as("the larger executor's blocks are pooled")
        .isZero();
  }

  @Test
  void anExecutorWhoseSharedParametersWereClosedRefusesToRun() {
    Symbol mlp = ExecutorTest.mlp();
    Executor owner = mlp.simpleBind(Map.of("data", Shape.of(6, 12)), GradReq.NULL);
    Executor small = closing(owner.reshape(mlpInputs(2, 12)));
    owner.close();
    assertThatThrownBy(() -> small.forward(false)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed").hasMessageContaining("reshaped from");
    assertThatThrownBy(() -> owner.reshape(mlpInputs(2, 12)))
        .isInstanceOf(IllegalStateException.class);
  }

  private static void same(NDArray expected, NDArray actual, String what) {
    assertThat(actual.toFloatArray()).as(what).containsExactly(expected.toFloatArray());
  }
}
