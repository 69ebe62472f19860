package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/** Level 1 (decision 0025): K tasks of one JVM sum in memory and one of them talks to level 2. */
@Timeout(60)
class DeviceGroupTest {
  private static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    assertThat(DeviceGroups.liveGroups()).as("groups released").isZero();
  }

  private KVStoreServer start(int w) {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(w).secret(SECRET)
        .optimizerFactory(TestSgd::parse).build());
    return server;
  }

  /** Task r's gradient at step s: random floats, so summation order shows in the bits. */
  private static float[] grad(int rank, int step, int n) {
    SplittableRandom rnd = new SplittableRandom(1000L * rank + step);
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = (float) (rnd.nextDouble(-1, 1) * Math.pow(10, rnd.nextInt(-3, 4)));
    }
    return g;
  }

  @Test
  void twoGroupsOfTwoSumInRankOrderAndTheServerSeesOneWorkerPerGroup() throws Exception {
    int g = 2;
    int k = 2;
    int n = 257;
    int steps = 3;
    start(g);
    TestSgd sgd = new TestSgd(0.25f);
    float[] init = grad(99, 0, n);
    List<List<float[]>> pulled = Workers.run(g * k, rank -> {
      List<float[]> seen = new ArrayList<>();
      try (GroupKVStore kv = Groups.join("sum", "dist_device_sync", server, SECRET, g, k, rank,
          WAIT)) {
        assertThat(kv.rank()).isEqualTo(rank);
        assertThat(kv.numWorkers()).isEqualTo(g * k);
        assertThat(kv.groupSize()).isEqualTo(k);
        kv.init("w", NDArray.of(rank == 0 ? init : new float[n], Shape.of(n)));
        kv.setOptimizer(sgd);
        NDArray out = NDArray.zeros(n);
        for (int s = 0; s < steps; s++) {
          kv.push("w", NDArray.of(grad(rank, s, n), Shape.of(n)));
          kv.pull("w", out);
          seen.add(out.toFloatArray());
        }
        kv.barrier();
      }
      return seen;
    });
    float[] expected = init;
    for (int s = 0; s < steps; s++) {
      // level 1: tasks in rank order; level 2: the two groups' sums (exact in either order)
      float[] sum = new float[n];
      for (int group = 0; group < g; group++) {
        float[] part = grad(group * k, s, n);
        for (int j = 1; j < k; j++) {
          float[] next = grad(group * k + j, s, n);
          for (int i = 0; i < n; i++) {
            part[i] += next[i];
          }
        }
        for (int i = 0; i < n; i++) {
          sum[i] += part[i];
        }
      }
      expected = sgd.apply(expected, sum);
      for (int r = 0; r < g * k; r++) {
        assertThat(pulled.get(r).get(s)).as("task %d step %d", r, s).containsExactly(expected);
      }
    }
    // measured on the server: one push and one pull per group and step, not per task
    TrafficSnapshot t = server.traffic();
    long arrayBytes = 4L * n;
    assertThat(t.perKey().get("w").pushed()).isEqualTo(steps * g * arrayBytes);
    assertThat(t.perKey().get("w").pulled()).isEqualTo(steps * g * arrayBytes);
  }

  @Test
  void theSumDoesNotDependOnArrivalOrder() throws Exception {
    int k = 3;
    int n = 64;
    List<float[]> results = new ArrayList<>();
    for (int late = 0; late < k; late++) {
      start(1);
      int lateRank = late;
      List<float[]> pulled = Workers.run(k, rank -> {
        try (GroupKVStore kv = Groups.join("order-" + lateRank, "dist_device_sync", server,
            SECRET, 1, k, rank, WAIT)) {
          kv.init("w", NDArray.zeros(n));
          if (rank == lateRank) {
            sleep(150); // this task's push arrives last, whichever rank it is
          }
          kv.push("w", NDArray.of(grad(rank, 7, n), Shape.of(n)));
          NDArray out = NDArray.zeros(n);
          kv.pull("w", out);
          return out.toFloatArray();
        }
      });
      results.add(pulled.get(0));
      server.close();
      server = null;
    }
    float[] inRankOrder = grad(0, 7, n);
    for (int r = 1; r < k; r++) {
      float[] g = grad(r, 7, n);
      for (int i = 0; i < n; i++) {
        inRankOrder[i] += g[i];
      }
    }
    for (float[] r : results) {
      assertThat(r).containsExactly(inRankOrder); // no optimizer: the sum is assigned
    }
  }

  @Test
  void deviceTypeIsLevelOneOnlyOverTheLocalStore() throws Exception {
    int k = 2;
    int n = 5;
    List<float[]> pulled = Workers.run(k, rank -> {
      try (GroupKVStore kv = DeviceGroups.join("device-job", "device", rank, new int[] {0, 1},
          k, WAIT, () -> KVStores.create("device"))) {
        kv.init("w", NDArray.of(new float[] {1, 2, 3, 4, 5}, Shape.of(n)));
        kv.setOptimizer(new TestSgd(1f));
        kv.push("w", NDArray.of(new float[] {rank, rank, rank, rank, rank + 1}, Shape.of(n)));
        NDArray out = NDArray.zeros(n);
        kv.pull("w", out);
        return out.toFloatArray();
      }
    });
    // w - 1 * (g0 + g1) with g0 = (0,0,0,0,1), g1 = (1,1,1,1,2)
    for (float[] p : pulled) {
      assertThat(p).containsExactly(0, 1, 2, 3, 2);
    }
  }

  @Test
  void aFailedTaskFailsItsGroupsRoundAtOnceNamingIt() throws Exception {
    List<Object> outcomes = Workers.run(2, rank -> {
      try (GroupKVStore kv = DeviceGroups.join("failing", "device", rank, new int[] {0, 1}, 2,
          Duration.ofMinutes(5), () -> KVStores.create("device"))) {
        kv.init("w", NDArray.zeros(3));
        if (rank == 1) {
          kv.fail(new IllegalStateException("out of data"));
          return "failed";
        }
        try {
          kv.push("w", NDArray.zeros(3));
          return "pushed";
        } catch (KVStoreException e) {
          return e;
        }
      }
    });
    assertThat(outcomes.get(0)).isInstanceOf(KVStoreException.class);
    assertThat(((Exception) outcomes.get(0)).getMessage())
        .contains("task rank 1").contains("out of data").contains("failing");
  }

  @Test
  void aTaskThatLeavesFailsTheRoundWaitingForIt() throws Exception {
    List<Object> outcomes = Workers.run(2, index -> {
      int rank = index == 0 ? 4 : 9;
      try (GroupKVStore kv = DeviceGroups.join("leaving", "device", rank, new int[] {4, 9}, 10,
          Duration.ofMinutes(5), () -> KVStores.create("device"))) {
        kv.init("w", NDArray.zeros(3));
        if (rank == 9) {
          return "left";
        }
        try {
          kv.pull("w", NDArray.zeros(3));
          kv.pull("w", NDArray.zeros(3)); // task 9 has left by now, or leaves while we wait
          return "pulled";
        } catch (KVStoreException e) {
          return e;
        }
      }
    });
    assertThat(outcomes.get(0)).isInstanceOf(KVStoreException.class);
    assertThat(((Exception) outcomes.get(0)).getMessage()).contains("task rank(s) [9]")
        .contains("closed");
  }

  @Test
  void aSilentTaskFailsTheRoundAfterTheTimeoutNamingIt() throws Exception {
    List<Object> outcomes = Workers.run(2, rank -> {
      try (GroupKVStore kv = DeviceGroups.join("silent", "device", rank, new int[] {0, 1}, 2,
          Duration.ofMillis(300), () -> KVStores.create("device"))) {
        kv.init("w", NDArray.zeros(3));
        if (rank == 1) {
          sleep(1500); // stuck in its step: never pushes
          return "stuck";
        }
        try {
          kv.push("w", NDArray.zeros(3));
          return "pushed";
        } catch (KVStoreException e) {
          return e;
        }
      }
    });
    assertThat(outcomes.get(0)).isInstanceOf(KVStoreException.class);
    assertThat(((Exception) outcomes.get(0)).getMessage()).contains("push 'w'")
        .contains("waited 300 ms for task rank(s) [1]").contains("task rank(s) [0] had arrived");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
