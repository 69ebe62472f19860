package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;

/**
 * {@code dist_device_sync} (2 groups of 2 tasks, level 1 then 2) against {@code dist_sync} (4
 * workers straight to the server): the same gradients are summed, only in another order.
 *
 * <p>The bound: {@code dist_sync} adds the 4 pushes one after another in arrival order, each
 * partial sum within {@code 3u * sum|g_i|} of the exact sum (u = 2^-24, the float32 unit
 * roundoff; Higham's recursive-summation bound {@code (n-1)u}); level 1 then 2 adds pairs, then
 * the two pair sums, within {@code 2u * sum|g_i|}. The two results therefore differ by at most
 * {@code 5u * sum|g_i|} per element.
 */
@Timeout(120)
class LevelOneEquivalenceTest {
  private static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes();
  private static final double U = Math.scalb(1.0, -24);
  private static final int G = 2;
  private static final int K = 2;

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(int w, boolean testSgd) {
    KVStoreServerConfig.Builder b = KVStoreServerConfig.builder().numWorkers(w).secret(SECRET);
    server = KVStoreServer.start(testSgd ? b.optimizerFactory(TestSgd::parse).build() : b.build());
  }

  /** Runs the 4 tasks against a fresh server: {@code dist_sync} or 2 x 2 groups. */
  private <T> List<T> runTasks(boolean grouped, boolean testSgd, String job,
      java.util.function.BiFunction<KVStore, Integer, T> task) throws Exception {
    start(grouped ? G : G * K, testSgd);
    IntFunction<KVStore> connect = rank -> grouped
        ? Groups.join(job, "dist_device_sync", server, SECRET, G, K, rank, Duration.ofSeconds(60))
        : KVStores.connect("dist_sync", "127.0.0.1", server.port(), SECRET, rank, G * K);
    try {
      return Workers.run(G * K, rank -> {
        try (KVStore kv = connect.apply(rank)) {
          return task.apply(kv, rank);
        }
      });
    } finally {
      server.close();
      server = null;
    }
  }

  private static float[] grad(int rank, int n) {
    SplittableRandom rnd = new SplittableRandom(31L * rank + 5);
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = (float) (rnd.nextDouble(-1, 1) * Math.pow(10, rnd.nextInt(-4, 5)));
    }
    return g;
  }

  @Test
  void summedGradientsAgreeWithinTheSummationOrderBound() throws Exception {
    int n = 4096;
    java.util.function.BiFunction<KVStore, Integer, float[]> task = (kv, rank) -> {
      kv.init("g", NDArray.zeros(n));
      kv.push("g", NDArray.of(grad(rank, n), Shape.of(n))); // no optimizer: the sum is assigned
      NDArray out = NDArray.zeros(n);
      kv.pull("g", out);
      return out.toFloatArray();
    };
    float[] flat = runTasks(false, true, "bound", task).get(0);
    float[] grouped = runTasks(true, true, "bound", task).get(0);
    int differing = 0;
    for (int i = 0; i < n; i++) {
      double abs = 0;
      for (int r = 0; r < G * K; r++) {
        abs += Math.abs(grad(r, n)[i]);
      }
      assertThat((double) Math.abs(flat[i] - grouped[i])).as("element %d", i)
          .isLessThanOrEqualTo(5 * U * abs);
      differing += flat[i] != grouped[i] ? 1 : 0;
    }
    // the bound is not vacuous here: magnitudes spread over 8 decades make the orders differ
    assertThat(differing).isPositive();
  }

  @Test
  void anMlpTrainedWithDistDeviceSyncMatchesDistSync() throws Exception {
    int steps = 6;
    Map<String, float[]> flat = train(false, steps);
    Map<String, float[]> grouped = train(true, steps);
    assertThat(grouped.keySet()).isEqualTo(flat.keySet());
    for (String p : flat.keySet()) {
      float[] a = flat.get(p);
      float[] b = grouped.get(p);
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < a.length; i++) {
        scale = Math.max(scale, Math.abs(a[i]));
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
      }
      // each step's sums differ by at most 5u sum|g| (above); over 6 SGD steps with momentum
      // through a small MLP that stays within 1e-5 of the weights' scale
      assertThat(diff).as("%s: max |dist_sync - dist_device_sync|", p)
          .isLessThanOrEqualTo(1e-5 * scale);
    }
  }

  /** Task 0's parameters after {@code steps} synchronous steps; every task has its own data. */
  private Map<String, float[]> train(boolean grouped, int steps) throws Exception {
    return runTasks(grouped, false, "mlp", (kv, rank) -> {
      try (Module m = TinyMlp.prepare(TinyMlp.module(), kv)) {
        SplittableRandom rnd = new SplittableRandom(100 + rank);
        for (int s = 0; s < steps; s++) {
          try (DataBatch b = TinyMlp.batch(rnd)) {
            m.forwardBackward(b);
            m.update();
          }
        }
        Map<String, float[]> params = new TreeMap<>();
        m.getParams().forEach((k, v) -> params.put(k, v.toFloatArray()));
        return params;
      }
    }).get(0);
  }
}
