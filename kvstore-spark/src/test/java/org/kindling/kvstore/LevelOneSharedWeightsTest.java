package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;

/**
 * The K tasks of a level-1 group bind their modules to the group's parameter arrays ({@link
 * GroupKVStore#sharedParam}): one weight array per group, written once per pull, and the same
 * training as with a copy per task.
 */
@Timeout(120)
class LevelOneSharedWeightsTest {
  private static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes();
  private static final int G = 2;
  private static final int K = 2;
  private static final int HIDDEN = TinyMlp.HIDDEN;
  private static final int FEATURES = TinyMlp.FEATURES;
  private static final int CLASSES = TinyMlp.CLASSES;
  /** fc1's weight and bias, fc2's weight and bias, in float32 bytes. */
  private static final long PARAM_BYTES =
      4L * (HIDDEN * FEATURES + HIDDEN + CLASSES * HIDDEN + CLASSES);

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** What one task saw: its weights after training, their arrays, the group's copied bytes. */
  private record TaskRun(Map<String, float[]> params, Map<String, NDArray> arrays,
      long pullCopyBytes) {}

  private List<TaskRun> train(boolean shared, int steps, String job) throws Exception {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(G).secret(SECRET)
        .build());
    try {
      return Workers.run(G * K, rank -> {
        try (GroupKVStore kv = Groups.join(job, "dist_device_sync", server, SECRET, G, K, rank,
            Duration.ofSeconds(60));
            Module m = TinyMlp.module()) {
          if (shared) {
            m.bindParamsTo(kv::sharedParam);
          }
          TinyMlp.prepare(m, kv);
          SplittableRandom rnd = new SplittableRandom(100 + rank);
          for (int s = 0; s < steps; s++) {
            try (DataBatch b = TinyMlp.batch(rnd)) {
              m.forwardBackward(b);
              m.update();
            }
          }
          kv.barrier(); // every pull of the group done
          long copied = ((DistKVStore) kv.group().upstream()).pullCopyBytes();
          Map<String, float[]> params = new TreeMap<>();
          m.getParams().forEach((key, v) -> params.put(key, v.toFloatArray()));
          return new TaskRun(params, Map.copyOf(m.executor().argDict()), copied);
        }
      });
    } finally {
      server.close();
      server = null;
    }
  }

  @Test
  void theTasksOfAGroupReadOneWeightArrayThatEachPullWritesOnce() throws Exception {
    int steps = 4;
    List<TaskRun> own = train(false, steps, "own");
    List<TaskRun> shared = train(true, steps, "shared");
    for (String p : List.of("fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias")) {
      assertThat(shared.get(1).arrays().get(p)).as(p).isSameAs(shared.get(0).arrays().get(p));
      assertThat(shared.get(3).arrays().get(p)).as(p).isSameAs(shared.get(2).arrays().get(p))
          .isNotSameAs(shared.get(0).arrays().get(p));
      assertThat(own.get(1).arrays().get(p)).as(p).isNotSameAs(own.get(0).arrays().get(p));
    }
    // the pull after init and one per step: K copies of the parameters per group, or one
    assertThat(own.get(0).pullCopyBytes()).isEqualTo(K * (steps + 1) * PARAM_BYTES);
    assertThat(shared.get(0).pullCopyBytes()).isEqualTo((steps + 1) * PARAM_BYTES);
    for (int t = 0; t < G * K; t++) {
      for (String p : own.get(0).params().keySet()) {
        assertThat(shared.get(t).params().get(p)).as("task %d %s", t, p)
            .isEqualTo(own.get(t).params().get(p));
      }
    }
  }

  @Test
  void aTaskBindingAParameterWithAnotherShapeIsRefusedNamingIt() {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(1).secret(SECRET)
        .build());
    try (GroupKVStore kv = Groups.join("shapes", "dist_device_sync", server, SECRET, 1, 1, 0,
        Duration.ofSeconds(60))) {
      NDArray w = kv.sharedParam("fc1_weight", Shape.of(HIDDEN, FEATURES));
      assertThat(kv.sharedParam("fc1_weight", Shape.of(HIDDEN, FEATURES))).isSameAs(w);
      assertThatThrownBy(() -> kv.sharedParam("fc1_weight", Shape.of(HIDDEN, FEATURES + 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("parameter 'fc1_weight'").hasMessageContaining("(16, 11)");
    }
  }
}
