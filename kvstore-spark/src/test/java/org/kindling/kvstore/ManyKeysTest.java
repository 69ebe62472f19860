package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.kvstore.Updater;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * Decision 0084 on the in-process stores: MXNet's many-key calls equal the per-key calls they
 * group into, {@code broadcast} is init then pull, and {@code setUpdater} is what push applies.
 */
@Timeout(60)
class ManyKeysTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @AfterEach
  void released() {
    assertThat(DeviceGroups.liveGroups()).as("groups released").isZero();
  }

  /** A store's keys and shapes for a random case. */
  static Map<String, Shape> randomKeys(SplittableRandom rnd) {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    int keys = rnd.nextInt(1, 5);
    for (int k = 0; k < keys; k++) {
      int[] dims = new int[rnd.nextInt(1, 3)];
      for (int d = 0; d < dims.length; d++) {
        dims[d] = rnd.nextInt(1, 6);
      }
      shapes.put("k" + k, Shape.of(dims));
    }
    return shapes;
  }

  /**
   * A flat key list of a many-key call: each key 0 to 3 times (at least one key in all), in a
   * shuffled order, so a key's arrays are interleaved with other keys'.
   */
  static List<String> randomKeyList(SplittableRandom rnd, Map<String, Shape> shapes) {
    List<String> keys = new ArrayList<>();
    while (keys.isEmpty()) {
      for (String k : shapes.keySet()) {
        for (int c = rnd.nextInt(0, 4); c > 0; c--) {
          keys.add(k);
        }
      }
    }
    for (int i = keys.size() - 1; i > 0; i--) {
      Collections.swap(keys, i, rnd.nextInt(i + 1));
    }
    return keys;
  }

  /** Random values (integers if {@code exact}: every summation order gives the same bits). */
  static List<NDArray> randomArrays(SplittableRandom rnd, Map<String, Shape> shapes,
      List<String> keys, boolean exact) {
    List<NDArray> arrays = new ArrayList<>();
    for (String k : keys) {
      float[] v = new float[shapes.get(k).intSize()];
      for (int i = 0; i < v.length; i++) {
        v[i] = exact ? rnd.nextInt(-20, 21) : (float) rnd.nextDouble(-4, 4);
      }
      arrays.add(NDArray.of(v, shapes.get(k)));
    }
    return arrays;
  }

  static List<NDArray> zerosFor(Map<String, Shape> shapes, List<String> keys) {
    List<NDArray> outs = new ArrayList<>();
    keys.forEach(k -> outs.add(NDArray.zeros(shapes.get(k))));
    return outs;
  }

  /** MXNet's grouping, written out: per key in order of first appearance, its arrays. */
  static Map<String, List<NDArray>> byKey(List<String> keys, List<NDArray> arrays) {
    Map<String, List<NDArray>> g = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      g.computeIfAbsent(keys.get(i), k -> new ArrayList<>()).add(arrays.get(i));
    }
    return g;
  }

  static List<float[]> values(List<NDArray> arrays) {
    List<float[]> v = new ArrayList<>();
    arrays.forEach(a -> v.add(a.toFloatArray()));
    return v;
  }

  /** Seeded cases: a local store's many-key calls give the bits of the per-key calls. */
  @Test
  void manyKeyCallsEqualThePerKeyCallsOnALocalStore() {
    for (int c = 0; c < 40; c++) {
      SplittableRandom rnd = new SplittableRandom(8400 + c);
      Map<String, Shape> shapes = randomKeys(rnd);
      boolean withSgd = rnd.nextBoolean();
      try (KVStore many = KVStores.create(rnd.nextBoolean() ? "local" : "device");
          KVStore perKey = KVStores.create("local")) {
        List<String> keys = new ArrayList<>(shapes.keySet());
        List<NDArray> init = randomArrays(rnd, shapes, keys, false);
        many.init(keys, init);
        for (int i = 0; i < keys.size(); i++) {
          perKey.init(keys.get(i), init.get(i));
        }
        if (withSgd) {
          many.setOptimizer(new TestSgd(0.25f));
          perKey.setOptimizer(new TestSgd(0.25f));
        }
        for (int step = 0; step < 4; step++) {
          List<String> vk = randomKeyList(rnd, shapes);
          List<NDArray> vals = randomArrays(rnd, shapes, vk, false);
          List<String> ok = randomKeyList(rnd, shapes);
          List<NDArray> outs = zerosFor(shapes, ok);
          int form = rnd.nextInt(3);
          if (form == 0) {
            many.push(vk, vals);
            many.pull(ok, outs);
          } else if (form == 1) {
            many.push(vk, vals, -step);
            many.pull(ok, outs, -step);
          } else {
            // local pushPull: the value keys and the output keys may differ (MXNet's local)
            many.pushPull(vk, vals, ok, outs, -step);
          }
          byKey(vk, vals).forEach(perKey::push);
          List<NDArray> expected = zerosFor(shapes, ok);
          byKey(ok, expected).forEach(perKey::pull);
          List<float[]> got = values(outs);
          List<float[]> want = values(expected);
          for (int i = 0; i < ok.size(); i++) {
            assertThat(got.get(i)).as("case %d step %d form %d output %d (key %s)", c, step,
                form, i, ok.get(i)).containsExactly(want.get(i));
          }
        }
      }
    }
  }

  @Test
  void aKeyGivenTwiceHasItsArraysSummedInOnePush() {
    try (KVStore kv = KVStores.create("local")) {
      kv.init(List.of("a", "b"), List.of(NDArray.zeros(2), NDArray.zeros(1)));
      List<String> updated = new ArrayList<>();
      kv.setUpdater((key, input, stored) -> {
        updated.add(key);
        float[] in = input.toFloatArray();
        float[] st = stored.toFloatArray();
        for (int i = 0; i < st.length; i++) {
          st[i] += in[i];
        }
        stored.set(st);
      });
      // MXNet: kv.push(['a', 'b', 'a'], [va0, vb, va1]) pushes a = va0 + va1 once
      kv.push(List.of("a", "b", "a"), List.of(arr(1, 2), arr(5), arr(10, 20)));
      assertThat(updated).containsExactly("a", "b");
      NDArray a0 = NDArray.zeros(2);
      NDArray a1 = NDArray.zeros(2);
      NDArray b = NDArray.zeros(1);
      kv.pull(List.of("a", "b", "a"), List.of(a0, b, a1));
      assertThat(a0.toFloatArray()).containsExactly(11, 22);
      assertThat(a1.toFloatArray()).containsExactly(11, 22);
      assertThat(b.toFloatArray()).containsExactly(5);
    }
  }

  @Test
  void aManyKeyCallThatFailsItsChecksChangesNothing() {
    try (KVStore kv = KVStores.create("local")) {
      kv.init(List.of("w", "b"), List.of(arr(1, 2), arr(3)));
      assertThatThrownBy(() -> kv.push(List.of("w", "b"), List.of(arr(0, 0))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("push: 2 keys but 1 values");
      // the unknown key is the last: "w" must not have been pushed
      assertThatThrownBy(() -> kv.push(List.of("w", "nope"), List.of(arr(7, 7), arr(1))))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'nope'");
      assertThatThrownBy(() -> kv.push(List.of("w", "b"), List.of(arr(7, 7), arr(1, 1))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key 'b'")
          .hasMessageContaining("(2,)").hasMessageContaining("(1,)");
      assertThatThrownBy(() -> kv.pull(List.of(), List.of()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no keys");
      assertThatThrownBy(() -> kv.init(List.of("c", "c"), List.of(arr(1), arr(2))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'c' is given twice");
      // "d" is new but "w" is not: neither is initialized
      assertThatThrownBy(() -> kv.init(List.of("d", "w"), List.of(arr(1), arr(2, 2))))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'w'")
          .hasMessageContaining("already initialized");
      kv.init("d", arr(4));
      NDArray w = NDArray.zeros(2);
      NDArray d = NDArray.zeros(1);
      kv.pull(List.of("w", "d"), List.of(w, d));
      assertThat(w.toFloatArray()).containsExactly(1, 2);
      assertThat(d.toFloatArray()).containsExactly(4);
    }
  }

  @Test
  void broadcastIsInitThenPull() {
    try (KVStore kv = KVStores.create("local")) {
      // MXNet's docstring: kv.broadcast('3', mx.nd.ones(shape) * 2, out=a)
      NDArray a = NDArray.zeros(2, 3);
      kv.broadcast("3", NDArray.of(new float[] {2, 2, 2, 2, 2, 2}, Shape.of(2, 3)), a);
      assertThat(a.toFloatArray()).containsOnly(2f).hasSize(6);
      assertThatThrownBy(() -> kv.broadcast("3", NDArray.zeros(2, 3), a))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'3'")
          .hasMessageContaining("already initialized");

      NDArray x0 = NDArray.zeros(2);
      NDArray x1 = NDArray.zeros(2);
      NDArray y = NDArray.zeros(1);
      kv.broadcast(List.of("x", "y"), List.of(arr(1, 2), arr(3)), List.of("x", "y", "x"),
          List.of(x0, y, x1), 0);
      assertThat(x0.toFloatArray()).containsExactly(1, 2);
      assertThat(x1.toFloatArray()).containsExactly(1, 2);
      assertThat(y.toFloatArray()).containsExactly(3);

      // checked before anything is initialized: "z" stays free
      assertThatThrownBy(() -> kv.broadcast("z", arr(1, 2), NDArray.zeros(3)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'z'")
          .hasMessageContaining("(3,)").hasMessageContaining("(2,)");
      assertThatThrownBy(() -> kv.broadcast(List.of("z"), List.of(arr(1)), List.of("x"),
          List.of(NDArray.zeros(2))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("output key 'x' is not one of the keys broadcast");
      kv.broadcast("z", arr(9), y);
      assertThat(y.toFloatArray()).containsExactly(9);
    }
  }

  /**
   * MXNet's {@code _set_updater} docstring: {@code stored += input * 2}; set_optimizer and
   * set_updater replace each other.
   */
  @Test
  void pushCallsTheUpdaterOnTheSumAndSetOptimizerReplacesIt() {
    try (KVStore kv = KVStores.create("local")) {
      kv.init("3", NDArray.of(new float[] {4, 4}, Shape.of(2)));
      AtomicInteger calls = new AtomicInteger();
      Updater twice = (key, input, stored) -> {
        calls.incrementAndGet();
        assertThat(key).isEqualTo("3");
        plusTwice(input, stored);
      };
      kv.setUpdater(twice);
      kv.push("3", NDArray.of(new float[] {1, 1}, Shape.of(2)));
      NDArray out = NDArray.zeros(2);
      kv.pull("3", out);
      assertThat(out.toFloatArray()).containsExactly(6, 6);
      // two arrays: the updater sees their sum, once
      kv.push("3", List.of(arr(1, 2), arr(3, 4)));
      kv.pull("3", out);
      assertThat(out.toFloatArray()).containsExactly(6 + 8, 6 + 12);
      assertThat(calls).hasValue(2);

      kv.setOptimizer(new TestSgd(0.5f));
      kv.push("3", arr(2, 2));
      kv.pull("3", out);
      assertThat(out.toFloatArray()).containsExactly(13, 17);
      assertThat(calls).as("the optimizer replaced the updater").hasValue(2);

      kv.setUpdater(twice);
      kv.push("3", arr(1, 0));
      kv.pull("3", out);
      assertThat(out.toFloatArray()).containsExactly(15, 17);
      assertThat(calls).hasValue(3);
    }
  }

  /** {@code stored += 2 * input} as an engine operation, as an updater should issue it. */
  private static void plusTwice(NDArray input, NDArray stored) {
    stored.engine().push("test-updater", () -> {
      FloatBuffer in = input.floatBuffer();
      FloatBuffer st = stored.floatBuffer();
      for (int i = 0; i < st.limit(); i++) {
        st.put(i, st.get(i) + 2 * in.get(i));
      }
    }, List.of(input.var()), List.of(stored.var()));
  }

  /**
   * A {@code device} group of two tasks: one collective per many-key call, each key's arrays in
   * task-rank order, the updater once per key on the group's sum; broadcast gives task 0's value.
   */
  @Test
  void aDeviceGroupsManyKeyCallsAndUpdaterAreTheGroupsSumOnce() throws Exception {
    int k = 2;
    SplittableRandom seed = new SplittableRandom(84);
    Map<String, Shape> shapes = Map.of("w", Shape.of(3), "b", Shape.of(2));
    List<String> order = List.of("w", "b");
    List<List<String>> stepKeys = new ArrayList<>();
    List<List<List<NDArray>>> stepVals = new ArrayList<>(); // [step][task]
    for (int s = 0; s < 3; s++) {
      List<String> keys = List.of("b", "w", "b");
      stepKeys.add(keys);
      List<List<NDArray>> perTask = new ArrayList<>();
      for (int t = 0; t < k; t++) {
        perTask.add(randomArrays(seed, shapes, keys, false));
      }
      stepVals.add(perTask);
    }
    AtomicInteger updates = new AtomicInteger();
    List<List<float[]>> pulled = Workers.run(k, rank -> {
      try (GroupKVStore kv = DeviceGroups.join("many-keys", "device", rank, new int[] {0, 1}, k,
          WAIT, () -> KVStores.create("device"))) {
        List<NDArray> outs = List.of(NDArray.zeros(3), NDArray.zeros(2));
        kv.broadcast(order, List.of(NDArray.of(new float[] {rank, rank, rank}, Shape.of(3)),
            NDArray.of(new float[] {10 + rank, 10 + rank}, Shape.of(2))), order, outs);
        List<float[]> seen = new ArrayList<>(values(outs));
        kv.setUpdater((key, input, stored) -> {
          updates.incrementAndGet();
          plusTwice(input, stored);
        });
        for (int s = 0; s < 3; s++) {
          kv.pushPull(stepKeys.get(s), stepVals.get(s).get(rank), order, outs, -s);
          seen.addAll(values(outs));
        }
        return seen;
      }
    });
    assertThat(updates).as("one update per key and step for the group").hasValue(2 * 3);
    try (KVStore ref = KVStores.create("local")) {
      // task 0's values were broadcast
      ref.init(order, List.of(NDArray.zeros(3), NDArray.of(new float[] {10, 10}, Shape.of(2))));
      ref.setUpdater((key, input, stored) -> plusTwice(input, stored));
      List<float[]> expected = new ArrayList<>();
      List<NDArray> outs = List.of(NDArray.zeros(3), NDArray.zeros(2));
      ref.pull(order, outs);
      expected.addAll(values(outs));
      for (int s = 0; s < 3; s++) {
        Map<String, List<NDArray>> all = new LinkedHashMap<>();
        for (int t = 0; t < k; t++) {
          byKey(stepKeys.get(s), stepVals.get(s).get(t))
              .forEach((key, v) -> all.computeIfAbsent(key, x -> new ArrayList<>()).addAll(v));
        }
        all.forEach(ref::push);
        ref.pull(order, outs);
        expected.addAll(values(outs));
      }
      for (int t = 0; t < k; t++) {
        for (int i = 0; i < expected.size(); i++) {
          assertThat(pulled.get(t).get(i)).as("task %d output %d", t, i)
              .containsExactly(expected.get(i));
        }
      }
    }
  }

  /** A dist level-1 group refuses an updater in every task, before any rendezvous. */
  @Test
  void aDistDeviceGroupRefusesAnUpdaterInEveryTask() throws Exception {
    List<String> messages = Workers.run(2, rank -> {
      try (GroupKVStore kv = DeviceGroups.join("no-updater", "dist_device_sync", rank,
          new int[] {0, 1}, 2, WAIT, () -> {
            throw new AssertionError("no level-2 store is needed to refuse");
          })) {
        try {
          kv.setUpdater((key, input, stored) -> { });
          return "accepted";
        } catch (UnsupportedOperationException e) {
          return e.getMessage();
        }
      }
    });
    for (String m : messages) {
      assertThat(m).contains("dist_device_sync").contains("setOptimizer");
    }
  }

  private static NDArray arr(float... v) {
    return NDArray.of(v, Shape.of(v.length));
  }
}
