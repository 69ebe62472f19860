package org.kindling.symbol.optimizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * Saving an optimizer's state and loading it into a new optimizer built from the same spec
 * continues training exactly as an uninterrupted run; the file's entries; refused files.
 */
class OptimizerStatesTest {
  private static final Shape W = Shape.of(2, 3);
  private static final Shape B = Shape.of(3);

  /** Runs {@code steps} updates of a weight and a bias with gradients drawn from {@code r}. */
  private static void train(Optimizer opt, NDArray w, NDArray b, Random r, int steps) {
    for (int i = 0; i < steps; i++) {
      try (NDArray gw = NDArray.of(OptimizersMatchPythonTest.values(r, 6, 2), W);
          NDArray gb = NDArray.of(OptimizersMatchPythonTest.values(r, 3, 2), B)) {
        opt.update("fc1_weight", w, gw);
        opt.update("fc1_bias", b, gb);
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> restoredOptimizersContinueAsUninterruptedOnes() {
    return OptimizersMatchPythonTest.cases().stream()
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> resume(c.kindling().get())));
  }

  private static void resume(BaseOptimizer whole) {
    Random init = new Random(7);
    float[] w0 = OptimizersMatchPythonTest.values(init, 6, 1);
    float[] b0 = OptimizersMatchPythonTest.values(init, 3, 1);
    NDArray w = NDArray.of(w0, W);
    NDArray b = NDArray.of(b0, B);
    train(whole, w, b, new Random(1), 3);
    byte[] saved = whole.saveStates();
    float[] wAtSave = w.toFloatArray();
    float[] bAtSave = b.toFloatArray();
    train(whole, w, b, new Random(2), 3);

    Optimizer resumed = Optimizers.fromSpec(whole.spec());
    resumed.loadStates(saved);
    NDArray w2 = NDArray.of(wAtSave, W);
    NDArray b2 = NDArray.of(bAtSave, B);
    train(resumed, w2, b2, new Random(2), 3);
    assertThat(w2.toFloatArray()).as("weight after resuming").containsExactly(w.toFloatArray());
    assertThat(b2.toFloatArray()).as("bias after resuming").containsExactly(b.toFloatArray());
    assertThat(((BaseOptimizer) resumed).numUpdate()).isEqualTo(whole.numUpdate());
    assertThat(resumed.saveStates()).as("the states themselves").isEqualTo(whole.saveStates());
    for (NDArray a : List.of(w, b, w2, b2)) {
      a.close();
    }
  }

  @Test
  void theFileNamesTheSpecCountsAndStates() {
    Adam adam = Adam.builder().beginNumUpdate(4).build();
    assertThat(adam.numUpdate()).as("MXNet's num_update starts at begin_num_update").isEqualTo(4);
    NDArray w = NDArray.zeros(W);
    NDArray b = NDArray.zeros(B);
    train(adam, w, b, new Random(3), 2);
    Map<String, NDArray> f = OptimizersMatchPythonTest.states(adam);
    // parameters in key order, whichever was updated first
    assertThat(f.keySet()).containsExactly("meta:optimizer", "meta:num_update",
        "count:fc1_bias", "state:fc1_bias:0", "state:fc1_bias:1", "count:fc1_weight",
        "state:fc1_weight:0", "state:fc1_weight:1");
    byte[] spec = new byte[(int) f.get("meta:optimizer").size()];
    f.get("meta:optimizer").byteBuffer().get(0, spec);
    assertThat(new String(spec, StandardCharsets.UTF_8)).isEqualTo(adam.spec());
    assertThat(f.get("meta:num_update").byteBuffer().getLong(0)).isEqualTo(6);
    assertThat(f.get("count:fc1_bias").byteBuffer().getLong(0)).isEqualTo(6);
    assertThat(f.get("state:fc1_weight:1").shape()).isEqualTo(W);
    f.values().forEach(NDArray::close);
  }

  @Test
  void statesOfAnotherOptimizerOrLayoutAreRefusedAndNothingChanges() {
    SGD plain = SGD.builder().build();
    SGD momentum = SGD.builder().momentum(0.9).build();
    NDArray w = NDArray.zeros(W);
    NDArray b = NDArray.zeros(B);
    train(momentum, w, b, new Random(4), 1);
    train(plain, w, b, new Random(4), 2);
    byte[] before = plain.saveStates();
    assertThatThrownBy(() -> plain.loadStates(momentum.saveStates()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("state:fc1_bias:0");
    Adam adam = Adam.builder().build();
    train(adam, w, b, new Random(4), 1);
    assertThatThrownBy(() -> plain.loadStates(adam.saveStates()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("saved by 'adam");
    assertThatThrownBy(() -> plain.loadStates("not a states file".getBytes()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optimizer states");
    assertThat(plain.saveStates()).isEqualTo(before);
  }

  @Test
  void optimizersWithoutStateSaveTheirCounts() {
    SGD plain = SGD.builder().build();
    NDArray w = NDArray.zeros(W);
    NDArray b = NDArray.zeros(B);
    train(plain, w, b, new Random(5), 3);
    SGD other = SGD.builder().build();
    other.loadStates(plain.saveStates());
    assertThat(other.numUpdate()).isEqualTo(3);
    assertThat(other.updateCount("fc1_bias")).isEqualTo(3);
    List<Optimizer> both = new ArrayList<>(List.of(plain, other));
    for (Optimizer o : both) {
      o.update("fc1_weight", w, NDArray.zeros(W)); // the shape is learnt again after loading
    }
    assertThat(other.updateCount("fc1_weight")).isEqualTo(4);
  }
}
