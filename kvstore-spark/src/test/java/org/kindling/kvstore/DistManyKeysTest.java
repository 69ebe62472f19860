package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kindling.kvstore.ManyKeysTest.byKey;
import static org.kindling.kvstore.ManyKeysTest.randomArrays;
import static org.kindling.kvstore.ManyKeysTest.randomKeyList;
import static org.kindling.kvstore.ManyKeysTest.randomKeys;
import static org.kindling.kvstore.ManyKeysTest.values;
import static org.kindling.kvstore.ManyKeysTest.zerosFor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * Decision 0084 on {@code dist_sync}: the many-key calls of W workers give what a local store
 * computes from all their arrays pushed key by key, broadcast gives every worker rank 0's value,
 * and what MXNet's dist store refuses or ignores is refused naming the key or the fix.
 */
@Timeout(60)
class DistManyKeysTest {
  private static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes();

  private KVStoreServer server;

  private void start(int w) {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(w).secret(SECRET)
        .mode(SyncMode.SYNC).optimizerFactory(TestSgd::parse).build());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** One step of a case: the keys every worker pushes, each worker's values, the output keys. */
  private record Step(int form, List<String> valueKeys, List<List<NDArray>> values,
      List<String> outKeys) {}

  /**
   * Seeded cases of random keys, shapes and flat key lists with repeats, in the four forms
   * (blocking and priority push + pull, blocking and priority pushPull), against a local store
   * with the same optimizer that gets all workers' arrays key by key. Integer gradients: the
   * server's summation order gives the same bits as the reference's.
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void manyKeyCallsOfAllWorkersEqualTheLocalPerKeyReference(int w) throws Exception {
    start(w);
    SplittableRandom rnd = new SplittableRandom(8484 + w);
    Map<String, Shape> shapes = randomKeys(rnd);
    shapes.put("big", Shape.of(40)); // at least one key of some size
    List<String> keys = new ArrayList<>(shapes.keySet());
    List<List<NDArray>> inits = new ArrayList<>();
    for (int r = 0; r < w; r++) {
      inits.add(randomArrays(rnd, shapes, keys, true));
    }
    List<Step> steps = new ArrayList<>();
    for (int s = 0; s < 8; s++) {
      int form = s % 4;
      // a sync round of a key needs every worker's push: the workers push the same keys
      List<String> vk = randomKeyList(rnd, shapes);
      List<List<NDArray>> vals = new ArrayList<>();
      for (int r = 0; r < w; r++) {
        vals.add(randomArrays(rnd, shapes, vk, true));
      }
      List<String> ok;
      if (form >= 2) {
        // a dist pushPull pulls the keys it pushes, each once or twice, in another order
        ok = new ArrayList<>();
        for (String k : new LinkedHashSet<>(vk)) {
          for (int c = rnd.nextInt(1, 3); c > 0; c--) {
            ok.add(k);
          }
        }
        Collections.shuffle(ok, new Random(rnd.nextLong()));
      } else {
        ok = randomKeyList(rnd, shapes);
      }
      steps.add(new Step(form, vk, vals, ok));
    }
    TestSgd sgd = new TestSgd(0.5f);
    List<List<float[]>> pulled = Workers.run(w, rank -> {
      List<float[]> seen = new ArrayList<>();
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, w)) {
        kv.init(keys, inits.get(rank));
        kv.setOptimizer(sgd);
        for (int s = 0; s < steps.size(); s++) {
          Step step = steps.get(s);
          List<NDArray> outs = zerosFor(shapes, step.outKeys());
          List<NDArray> mine = step.values().get(rank);
          switch (step.form()) {
            case 0 -> {
              kv.push(step.valueKeys(), mine);
              kv.pull(step.outKeys(), outs);
            }
            case 1 -> {
              kv.push(step.valueKeys(), mine, -s);
              kv.pull(step.outKeys(), outs, -s);
            }
            case 2 -> kv.pushPull(step.valueKeys(), mine, step.outKeys(), outs);
            default -> kv.pushPull(step.valueKeys(), mine, step.outKeys(), outs, -s);
          }
          seen.addAll(values(outs));
        }
        kv.barrier();
      }
      return seen;
    });
    List<float[]> expected = new ArrayList<>();
    try (KVStore ref = KVStores.create("local")) {
      ref.init(keys, inits.get(0)); // rank 0's values win
      ref.setOptimizer(sgd);
      for (Step step : steps) {
        Map<String, List<NDArray>> all = new LinkedHashMap<>();
        for (List<NDArray> mine : step.values()) {
          byKey(step.valueKeys(), mine)
              .forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        }
        all.forEach(ref::push);
        List<NDArray> outs = zerosFor(shapes, step.outKeys());
        ref.pull(step.outKeys(), outs);
        expected.addAll(values(outs));
      }
    }
    for (int r = 0; r < w; r++) {
      assertThat(pulled.get(r)).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertThat(pulled.get(r).get(i)).as("rank %d output %d", r, i)
            .containsExactly(expected.get(i));
      }
    }
  }

  /**
   * {@code dist_device_sync}, two groups of two tasks: a task's many-key calls are one
   * collective whose level-2 call carries all its group's lists; broadcast gives every task task
   * 0's values, and each key's sum is the tasks' arrays in task-rank order, then the groups'.
   */
  @Test
  void levelOneGroupsManyKeyCallsEqualTheLocalPerKeyReference() throws Exception {
    int g = 2;
    int k = 2;
    start(g);
    SplittableRandom rnd = new SplittableRandom(8485);
    Map<String, Shape> shapes = new LinkedHashMap<>();
    shapes.put("fc_weight", Shape.of(3, 4));
    shapes.put("fc_bias", Shape.of(3));
    List<String> keys = List.of("fc_weight", "fc_bias");
    List<List<NDArray>> inits = new ArrayList<>();
    List<List<List<NDArray>>> grads = new ArrayList<>(); // [task][step]
    List<String> gradKeys = List.of("fc_bias", "fc_weight", "fc_bias");
    for (int t = 0; t < g * k; t++) {
      inits.add(randomArrays(rnd, shapes, keys, true));
      List<List<NDArray>> perStep = new ArrayList<>();
      for (int s = 0; s < 3; s++) {
        perStep.add(randomArrays(rnd, shapes, gradKeys, true));
      }
      grads.add(perStep);
    }
    TestSgd sgd = new TestSgd(0.5f);
    List<List<float[]>> pulled = Workers.run(g * k, rank -> {
      try (GroupKVStore kv = Groups.join("many", "dist_device_sync", server, SECRET, g, k, rank,
          Duration.ofSeconds(30))) {
        List<NDArray> weights = zerosFor(shapes, keys);
        kv.broadcast(keys, inits.get(rank), keys, weights, 0);
        List<float[]> seen = new ArrayList<>(values(weights));
        kv.setOptimizer(sgd);
        for (int s = 0; s < 3; s++) {
          kv.pushPull(gradKeys, grads.get(rank).get(s), keys, weights, -s);
          seen.addAll(values(weights));
        }
        kv.barrier();
        return seen;
      }
    });
    List<float[]> expected = new ArrayList<>();
    try (KVStore ref = KVStores.create("local")) {
      ref.init(keys, inits.get(0));
      List<NDArray> outs = zerosFor(shapes, keys);
      ref.pull(keys, outs);
      expected.addAll(values(outs));
      ref.setOptimizer(sgd);
      for (int s = 0; s < 3; s++) {
        Map<String, List<NDArray>> all = new LinkedHashMap<>();
        for (int t = 0; t < g * k; t++) {
          byKey(gradKeys, grads.get(t).get(s))
              .forEach((key, v) -> all.computeIfAbsent(key, x -> new ArrayList<>()).addAll(v));
        }
        all.forEach(ref::push);
        ref.pull(keys, outs);
        expected.addAll(values(outs));
      }
    }
    for (int t = 0; t < g * k; t++) {
      for (int i = 0; i < expected.size(); i++) {
        assertThat(pulled.get(t).get(i)).as("task %d output %d", t, i)
            .containsExactly(expected.get(i));
      }
    }
    // one level-2 push per group, key and step: the tasks' arrays went as one sum
    assertThat(server.traffic().perKey().get("fc_bias").pushed()).isEqualTo(3L * g * 3 * 4);
  }

  /** MXNet's docstring: "Broadcast the value NDArray at rank 0 to all ranks". */
  @Test
  void broadcastGivesEveryWorkerRankZerosValue() throws Exception {
    int w = 3;
    start(w);
    List<List<float[]>> pulled = Workers.run(w, rank -> {
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, w)) {
        NDArray a0 = NDArray.zeros(2);
        NDArray a1 = NDArray.zeros(2);
        NDArray b = NDArray.zeros(3);
        kv.broadcast(List.of("a", "b"), List.of(arr(rank, -rank),
            arr(rank + 1, rank + 2, rank + 3)), List.of("a", "b", "a"), List.of(a0, b, a1), -1);
        NDArray c = NDArray.zeros(1);
        kv.broadcast("c", arr(100 + rank), c);
        List<float[]> seen = values(List.of(a0, a1, b, c));
        kv.barrier();
        return seen;
      }
    });
    for (int r = 0; r < w; r++) {
      assertThat(pulled.get(r).get(0)).as("rank %d a", r).containsExactly(0, 0);
      assertThat(pulled.get(r).get(1)).as("rank %d a again", r).containsExactly(0, 0);
      assertThat(pulled.get(r).get(2)).as("rank %d b", r).containsExactly(1, 2, 3);
      assertThat(pulled.get(r).get(3)).as("rank %d c", r).containsExactly(100);
    }
  }

  @Test
  void whatMxnetsDistStoreRefusesOrIgnoresIsRefusedBeforeAnythingIsSent() {
    start(1);
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 1)) {
      kv.init(List.of("w", "b"), List.of(arr(1, 2), arr(3)));
      assertThatThrownBy(() -> kv.setUpdater((key, input, stored) -> { }))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("dist_sync").hasMessageContaining("setOptimizer");
      assertThatThrownBy(() -> kv.pushPull(List.of("w", "b"), List.of(arr(5, 5), arr(5)),
          List.of("w"), List.of(NDArray.zeros(2))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key 'b' is pushed but not pulled");
      assertThatThrownBy(() -> kv.pushPull(List.of("w"), List.of(arr(5, 5)),
          List.of("w", "b"), List.of(NDArray.zeros(2), NDArray.zeros(1)), 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key 'b' is pulled but not pushed");
      assertThatThrownBy(() -> kv.push(List.of("w", "nope"), List.of(arr(5, 5), arr(1)), 0))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'nope'");
      assertThatThrownBy(() -> kv.init(List.of("x", "b"), List.of(arr(1), arr(2))))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'b'")
          .hasMessageContaining("already initialized");
      // nothing was pushed: the values are the initial ones, and "x" is still free
      NDArray wOut = NDArray.zeros(2);
      NDArray bOut = NDArray.zeros(1);
      kv.pull(List.of("w", "b"), List.of(wOut, bOut));
      assertThat(wOut.toFloatArray()).containsExactly(1, 2);
      assertThat(bOut.toFloatArray()).containsExactly(3);
      kv.init("x", arr(7));
      assertThat(server.traffic().pushedBytes()).as("array bytes pushed").isZero();
    }
  }

  private static NDArray arr(float... v) {
    return NDArray.of(v, Shape.of(v.length));
  }
}
