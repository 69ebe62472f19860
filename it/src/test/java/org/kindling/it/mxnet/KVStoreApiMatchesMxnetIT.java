package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kindling.kvstore.KVStores;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * MXNet 1.9.1's many-key push, {@code _set_updater} and {@code broadcast} on its {@code local}
 * store against Kindling's (decision 0084): the same flat key lists (a key given once per
 * device array, interleaved with other keys) give the same pulled values, the updater is called once per distinct
 * key of a push with the key's sum, and broadcast is init then pull. Values are multiples of
 * 1/4 of small size, so MXNet's order of a key's arrays (its {@code GroupKVPairs} sorts them
 * without keeping their order) cannot change a bit.
 */
class KVStoreApiMatchesMxnetIT {

  @BeforeAll
  static void onlyInTheOracleJvm() {
    OracleExecution.require();
  }

  private static float[] values(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextInt(-64, 65) / 4f;
    }
    return v;
  }

  @Test
  void manyKeyPushesThroughAnUpdaterPullWhatMxnetPulls() {
    for (int c = 0; c < 6; c++) {
      SplittableRandom rnd = new SplittableRandom(840 + c);
      Map<String, Integer> sizes = new LinkedHashMap<>();
      for (int k = 0, keys = rnd.nextInt(2, 5); k < keys; k++) {
        sizes.put("k" + k, rnd.nextInt(1, 9));
      }
      List<String> keys = new ArrayList<>(sizes.keySet());
      // a key's arrays per push are its devices: MXNet's CommCPU sizes its copy buffers by a
      // key's first push, and more arrays in a later push crash it (Kindling's store takes any)
      Map<String, Integer> devices = new LinkedHashMap<>();
      keys.forEach(k -> devices.put(k, rnd.nextInt(1, 4)));
      List<float[]> init = new ArrayList<>();
      keys.forEach(k -> init.add(values(rnd, sizes.get(k))));
      List<List<String>> stepKeys = new ArrayList<>();
      List<List<float[]>> stepValues = new ArrayList<>();
      for (int s = 0; s < 4; s++) {
        List<String> flat = new ArrayList<>();
        while (flat.isEmpty()) {
          for (String k : keys) {
            if (rnd.nextInt(4) > 0) {
              flat.addAll(Collections.nCopies(devices.get(k), k));
            }
          }
        }
        Collections.shuffle(flat, new Random(rnd.nextLong()));
        List<float[]> vals = new ArrayList<>();
        flat.forEach(k -> vals.add(values(rnd, sizes.get(k))));
        stepKeys.add(flat);
        stepValues.add(vals);
      }
      boolean withUpdater = c % 3 != 2; // and without: a push assigns the sum

      List<List<float[]>> mxPulled = new ArrayList<>();
      List<List<String>> mxCalls = new ArrayList<>();
      try (MxKVStore mx = MxKVStore.create("local")) {
        for (int i = 0; i < keys.size(); i++) {
          mx.init(keys.get(i), init.get(i));
        }
        List<String> calls = new ArrayList<>();
        if (withUpdater) {
          mx.setScaledSumUpdater(2f, calls);
        }
        for (int s = 0; s < stepKeys.size(); s++) {
          mx.push(stepKeys.get(s).toArray(new String[0]),
              stepValues.get(s).toArray(new float[0][]));
          List<float[]> pulled = new ArrayList<>();
          keys.forEach(k -> pulled.add(mx.pull(k, sizes.get(k))));
          mxPulled.add(pulled);
          mxCalls.add(new ArrayList<>(calls));
          calls.clear();
        }
        mx.freeArrays();
      }

      try (KVStore kv = KVStores.create("local")) {
        List<NDArray> initArrays = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
          initArrays.add(NDArray.of(init.get(i), Shape.of(init.get(i).length)));
        }
        kv.init(keys, initArrays);
        List<String> calls = new ArrayList<>();
        if (withUpdater) {
          kv.setUpdater((key, input, stored) -> {
            calls.add(key);
            plusTwice(input, stored);
          });
        }
        for (int s = 0; s < stepKeys.size(); s++) {
          List<NDArray> vals = new ArrayList<>();
          stepValues.get(s).forEach(v -> vals.add(NDArray.of(v, Shape.of(v.length))));
          kv.push(stepKeys.get(s), vals);
          List<NDArray> outs = new ArrayList<>();
          keys.forEach(k -> outs.add(NDArray.zeros(sizes.get(k))));
          kv.pull(keys, outs);
          for (int i = 0; i < keys.size(); i++) {
            assertThat(outs.get(i).toFloatArray()).as("case %d step %d key %s", c, s,
                keys.get(i)).containsExactly(mxPulled.get(s).get(i));
          }
          List<String> distinct = new ArrayList<>(new LinkedHashSet<>(stepKeys.get(s)));
          if (withUpdater) {
            // MXNet calls it once per distinct key, in its key order; Kindling in the push's
            assertThat(mxCalls.get(s)).as("MXNet's updater calls, case %d step %d", c, s)
                .containsExactlyInAnyOrderElementsOf(distinct);
            assertThat(calls).as("case %d step %d", c, s)
                .containsExactlyInAnyOrderElementsOf(mxCalls.get(s));
          }
          calls.clear();
        }
      }
    }
  }

  @Test
  void broadcastIsInitThenPullAsInMxnet() {
    String[] keys = {"x", "y"};
    float[][] vals = {{1.5f, -2, 3}, {7}};
    String[] outKeys = {"y", "x", "y"};
    float[][] mxOut;
    try (MxKVStore mx = MxKVStore.create("local")) {
      mxOut = mx.broadcast(keys, vals, outKeys, new int[] {1, 3, 1});
      // a key is broadcast once: it is an init
      assertThatThrownBy(() -> mx.broadcast(new String[] {"x"}, new float[][] {{0, 0, 0}},
          new String[] {"x"}, new int[] {3})).hasMessageContaining("duplicate init");
      mx.freeArrays();
    }
    assertThat(mxOut[0]).containsExactly(7);
    assertThat(mxOut[1]).containsExactly(1.5f, -2, 3);
    try (KVStore kv = KVStores.create("local")) {
      List<NDArray> outs = List.of(NDArray.zeros(1), NDArray.zeros(3), NDArray.zeros(1));
      kv.broadcast(List.of(keys), List.of(NDArray.of(vals[0], Shape.of(3)),
          NDArray.of(vals[1], Shape.of(1))), List.of(outKeys), outs);
      for (int j = 0; j < outKeys.length; j++) {
        assertThat(outs.get(j).toFloatArray()).as("output %d", j).containsExactly(mxOut[j]);
      }
      assertThatThrownBy(() -> kv.broadcast("x", NDArray.zeros(3), NDArray.zeros(3)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("already initialized");
    }
  }

  /** {@code stored += 2 * input} as an engine operation. */
  private static void plusTwice(NDArray input, NDArray stored) {
    stored.engine().push("test-updater", () -> {
      FloatBuffer in = input.floatBuffer();
      FloatBuffer st = stored.floatBuffer();
      for (int i = 0; i < st.limit(); i++) {
        st.put(i, st.get(i) + 2 * in.get(i));
      }
    }, List.of(input.var()), List.of(stored.var()));
  }
}
