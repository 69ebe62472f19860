package org.kindling.symbol.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.optimizer.Optimizer;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * The many-key, broadcast and updater defaults of {@link KVStore} (decision 0084), on a store
 * that records the single-key calls they make.
 */
class KVStoreDefaultsTest {

  /** Records each single-key call as {@code call key nArrays [priority]}. */
  private static final class Recording implements KVStore {
    final List<String> calls = new ArrayList<>();

    @Override
    public String type() {
      return "recording";
    }

    @Override
    public int rank() {
      return 0;
    }

    @Override
    public int numWorkers() {
      return 1;
    }

    @Override
    public void init(String key, NDArray value) {
      calls.add("init " + key + " " + value.shape());
    }

    @Override
    public void push(String key, List<NDArray> values) {
      calls.add("push " + key + " " + values.size());
    }

    @Override
    public void push(String key, List<NDArray> values, int priority) {
      calls.add("push " + key + " " + values.size() + " p" + priority);
    }

    @Override
    public void pull(String key, List<NDArray> outs) {
      calls.add("pull " + key + " " + outs.size());
    }

    @Override
    public void pull(String key, List<NDArray> outs, int priority) {
      calls.add("pull " + key + " " + outs.size() + " p" + priority);
    }

    @Override
    public void setOptimizer(Optimizer optimizer) {}

    @Override
    public void barrier() {}

    @Override
    public void close() {}
  }

  private static NDArray a(int... dims) {
    return NDArray.zeros(Shape.of(dims));
  }

  @Test
  void aKeysArraysGoTogetherInOrderOfFirstAppearanceWithTheCallsPriority() {
    Recording kv = new Recording();
    kv.push(List.of("b", "a", "b", "c", "b"), List.of(a(1), a(2), a(1), a(3), a(1)));
    kv.push(List.of("a"), List.of(a(2)), -4);
    kv.pull(List.of("c", "c"), List.of(a(3), a(3)), 7);
    kv.pull(List.of("a", "b"), List.of(a(2), a(1)));
    assertThat(kv.calls).containsExactly("push b 3", "push a 1", "push c 1", "push a 1 p-4",
        "pull c 2 p7", "pull a 1", "pull b 1");
  }

  @Test
  void keyGroupsKeepEachKeysArraysInTheOrderGiven() {
    NDArray x = a(1);
    NDArray y = a(1);
    NDArray z = a(2);
    assertThat(KeyGroups.of("push", List.of("k", "j", "k"), List.of(x, z, y), "values"))
        .containsExactly(Map.entry("k", List.of(x, y)),
            Map.entry("j", List.of(z)));
  }

  @Test
  void badListsAreRefusedBeforeAnyCall() {
    Recording kv = new Recording();
    assertThatThrownBy(() -> kv.push(List.of("a", "b"), List.of(a(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("push: 2 keys but 1 values");
    assertThatThrownBy(() -> kv.pull(List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pull: no keys");
    assertThatThrownBy(() -> kv.push(Arrays.asList("a", null), List.of(a(1), a(1))))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("keys[1] is null");
    assertThatThrownBy(() -> kv.pull(List.of("a", "b"), Arrays.asList(a(1), null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("outputs[1] (key 'b') is null");
    assertThatThrownBy(() -> kv.init(List.of("w", "b", "w"), List.of(a(1), a(1), a(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key 'w' is given twice (keys[0] and keys[2])");
    // pushPull checks its outputs before it pushes
    assertThatThrownBy(() -> kv.pushPull(List.of("a"), List.of(a(1)), List.of("a", "a"),
        List.of(a(1)), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pushPull: 2 keys but 1 outputs");
    assertThat(kv.calls).isEmpty();
  }

  @Test
  void pushPullIsPushThenPullOfTheirOwnKeys() {
    Recording kv = new Recording();
    kv.pushPull(List.of("a", "a", "b"), List.of(a(1), a(1), a(2)), List.of("b", "a"),
        List.of(a(2), a(1)), -1);
    kv.pushPull(List.of("a"), List.of(a(1)), List.of("a"), List.of(a(1)));
    assertThat(kv.calls).containsExactly("push a 2 p-1", "push b 1 p-1", "pull b 1 p-1",
        "pull a 1 p-1", "push a 1", "pull a 1");
  }

  @Test
  void broadcastIsInitThenPullCheckedFirst() {
    Recording kv = new Recording();
    kv.broadcast("w", a(2, 3), List.of(a(2, 3), a(2, 3)), -2);
    kv.broadcast(List.of("x", "y"), List.of(a(1), a(4)), List.of("y", "x", "y"),
        List.of(a(4), a(1), a(4)));
    assertThat(kv.calls).containsExactly("init w (2, 3)", "pull w 2 p-2", "init x (1,)",
        "init y (4,)", "pull y 2", "pull x 1");
    kv.calls.clear();
    assertThatThrownBy(() -> kv.broadcast("w", a(2, 3), a(3, 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key 'w'")
        .hasMessageContaining("(3, 2)").hasMessageContaining("(2, 3)");
    assertThatThrownBy(() -> kv.broadcast("w", a(2),
        NDArray.zeros(Shape.of(2), DType.INT32)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int32");
    assertThatThrownBy(() -> kv.broadcast(List.of("x"), List.of(a(1)), List.of("q"),
        List.of(a(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("output key 'q' is not one of the keys broadcast [x]");
    assertThatThrownBy(() -> kv.broadcast(List.of("x", "x"), List.of(a(1), a(1)),
        List.of("x"), List.of(a(1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given twice");
    assertThat(kv.calls).isEmpty();
  }

  @Test
  void aStoreWithoutAnUpdaterSaysToUseSetOptimizer() {
    Recording kv = new Recording();
    assertThatThrownBy(() -> kv.setUpdater((key, input, stored) -> { }))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("'recording'").hasMessageContaining("setOptimizer");
  }

  @Test
  void anOptimizerAsAnUpdaterGetsTheWeightAndTheGradient() {
    List<String> seen = new ArrayList<>();
    NDArray input = a(1);
    NDArray stored = a(1);
    Optimizer opt = new Optimizer() {
      @Override
      public void update(String key, NDArray weight, NDArray grad) {
        seen.add(key + " " + (weight == stored) + " " + (grad == input));
      }

      @Override
      public String spec() {
        return "recording";
      }
    };
    Updater.of(opt).update("fc1_weight", input, stored);
    assertThat(seen).containsExactly("fc1_weight true true");
  }
}
