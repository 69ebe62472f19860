package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * 2-bit gradient compression through the stores (formats.md §5.4, §5.5): what the server sums
 * is each sender's quantized gradient with the residual kept on the sender, per key, and a
 * compressed push carries 2 bits per element. The reference below is MXNet's per-element rule
 * written out independently of {@link TwoBitCodec}.
 */
@Timeout(60)
class GradientCompressionTest {
  private static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes();
  private static final Map<String, String> TWO_BIT = Map.of("type", "2bit", "threshold", "0.5");
  private static final float T = 0.5f;

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private KVStoreServer start(int w) {
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(w).secret(SECRET)
        .optimizerFactory(TestSgd::parse).build());
    return server;
  }

  /** Sender state of MXNet's rule: one residual per (sender, element). */
  private static final class Reference {
    final float[] residual;

    Reference(int n) {
      residual = new float[n];
    }

    /** The dequantized value of pushing {@code g}; updates the residual. */
    float[] push(float[] g) {
      float[] q = new float[g.length];
      for (int i = 0; i < g.length; i++) {
        residual[i] += g[i];
        if (residual[i] >= T) {
          q[i] = T;
          residual[i] -= T;
        } else if (residual[i] <= -T) {
          q[i] = -T;
          residual[i] += T;
        }
      }
      return q;
    }
  }

  /** Gradients of magnitude about the threshold, so residuals matter. */
  private static float[] grad(int sender, int step, int n) {
    SplittableRandom rnd = new SplittableRandom(31L * sender + step);
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = (float) rnd.nextDouble(-0.8, 0.8);
    }
    return g;
  }

  private static float[] add(float[] a, float[] b) {
    float[] s = a.clone();
    for (int i = 0; i < s.length; i++) {
      s[i] += b[i];
    }
    return s;
  }

  @Test
  void distSyncSumsEachWorkersQuantizedGradientAndPushesTwoBitsPerElement() throws Exception {
    int w = 2;
    int steps = 4;
    int[] sizes = {1024, 10};
    String[] keys = {"w", "b"};
    start(w);
    List<List<float[]>> pulled = Workers.run(w, rank -> {
      List<float[]> seen = new ArrayList<>();
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, w)) {
        kv.setGradientCompression(TWO_BIT);
        for (int k = 0; k < keys.length; k++) {
          kv.init(keys[k], NDArray.zeros(sizes[k]));
        }
        for (int s = 0; s < steps; s++) {
          for (int k = 0; k < keys.length; k++) {
            NDArray out = NDArray.zeros(sizes[k]);
            kv.push(keys[k], NDArray.of(grad(10 * k + rank, s, sizes[k]), Shape.of(sizes[k])));
            kv.pull(keys[k], out);
            seen.add(out.toFloatArray());
          }
        }
        kv.barrier();
      }
      return seen;
    });

    for (int k = 0; k < keys.length; k++) {
      Reference[] senders = {new Reference(sizes[k]), new Reference(sizes[k])};
      for (int s = 0; s < steps; s++) {
        // no optimizer: the sum of the round is assigned
        float[] expected = add(senders[0].push(grad(10 * k, s, sizes[k])),
            senders[1].push(grad(10 * k + 1, s, sizes[k])));
        for (int r = 0; r < w; r++) {
          assertThat(pulled.get(r).get(s * keys.length + k)).as("key %s step %d rank %d",
              keys[k], s, r).containsExactly(expected);
        }
      }
    }
    TrafficSnapshot traffic = server.traffic();
    long pushes = (long) steps * w;
    assertThat(traffic.perKey().get("w").pushed()).as("1024 elements: exactly 1/16 of float32")
        .isEqualTo(pushes * 1024 * 4 / 16);
    assertThat(traffic.perKey().get("b").pushed()).as("10 elements: one word")
        .isEqualTo(pushes * 4);
    assertThat(traffic.perKey().get("w").pulled()).as("pulls stay float32")
        .isEqualTo(pushes * 1024 * 4);
  }

  @Test
  void residualsStayWithTheSenderAcrossStepsAndTheOptimizerSeesTheDequantizedSum()
      throws Exception {
    int n = 33;
    int steps = 5;
    start(1);
    TestSgd sgd = new TestSgd(0.1f);
    float[] result;
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 1)) {
      kv.setGradientCompression(Map.of("type", "2bit", "threshold", "0.5"));
      kv.init("w", NDArray.zeros(n));
      kv.setOptimizer(sgd);
      // a constant 0.2: codes appear only as the residual builds up (0.2, 0.4, 0.6 -> +t, ...)
      float[] g = new float[n];
      Arrays.fill(g, 0.2f);
      for (int s = 0; s < steps; s++) {
        kv.pushPull("w", List.of(NDArray.of(g, Shape.of(n))), List.of(NDArray.zeros(n)));
      }
      NDArray out = NDArray.zeros(n);
      kv.pull("w", out);
      result = out.toFloatArray();
    }
    Reference ref = new Reference(n);
    float[] expected = new float[n];
    int codes = 0;
    for (int s = 0; s < steps; s++) {
      float[] g = new float[n];
      Arrays.fill(g, 0.2f);
      float[] q = ref.push(g);
      codes += q[0] != 0 ? 1 : 0;
      expected = sgd.apply(expected, q);
    }
    assertThat(codes).as("0.2 x 5 steps = 1.0 = two codes of 0.5").isEqualTo(2);
    assertThat(result).containsExactly(expected);
  }

  @Test
  void aLevelOneGroupQuantizesItsSumOnceAgainstOneResidual() throws Exception {
    int n = 40;
    int steps = 3;
    start(1);
    List<List<float[]>> pulled = Workers.run(2, rank -> {
      List<float[]> seen = new ArrayList<>();
      try (GroupKVStore kv = Groups.join("gc", "dist_device_sync", server, SECRET, 1, 2, rank,
          Duration.ofSeconds(30))) {
        kv.setGradientCompression(TWO_BIT);
        kv.init("w", NDArray.zeros(n));
        for (int s = 0; s < steps; s++) {
          NDArray out = NDArray.zeros(n);
          kv.push("w", NDArray.of(grad(rank, s, n), Shape.of(n)));
          kv.pull("w", out);
          seen.add(out.toFloatArray());
        }
      }
      return seen;
    });
    Reference group = new Reference(n);
    for (int s = 0; s < steps; s++) {
      // MXNet's dist_device_sync: device reduce first, then one quantization of the sum
      float[] expected = group.push(add(grad(0, s, n), grad(1, s, n)));
      assertThat(pulled.get(0).get(s)).as("step %d", s).containsExactly(expected);
      assertThat(pulled.get(1).get(s)).as("step %d", s).containsExactly(expected);
    }
    assertThat(server.traffic().perKey().get("w").pushed()).isEqualTo(steps * 12L);
  }

  @Test
  void theDeviceStoreQuantizesEachPushedArrayAgainstItsOwnResidual() {
    int n = 21;
    int steps = 3;
    Reference[] devices = {new Reference(n), new Reference(n)};
    try (KVStore kv = KVStores.create("device")) {
      kv.setGradientCompression(TWO_BIT);
      kv.init("w", NDArray.zeros(n));
      for (int s = 0; s < steps; s++) {
        kv.push("w", List.of(NDArray.of(grad(0, s, n), Shape.of(n)),
            NDArray.of(grad(1, s, n), Shape.of(n))));
        NDArray out = NDArray.zeros(n);
        kv.pull("w", out);
        float[] expected = add(devices[0].push(grad(0, s, n)), devices[1].push(grad(1, s, n)));
        assertThat(out.toFloatArray()).as("step %d", s).containsExactly(expected);
      }
    }
  }

  @Test
  void aTwoBitPushMayBeOneSixteenthOfTheLargestKeyPlusAHeader() {
    FrameLimits limits = new FrameLimits(1 << 30, 1 << 20);
    limits.register(Shape.of(1000, 3));

    assertThat(limits.limitFor(Protocol.PUSH)).isEqualTo(FrameLimits.HEADER_BYTES + 12_000);
    assertThat(limits.limitFor(Protocol.PUSH_2BIT))
        .as("the threshold and 3000 codes in 188 words")
        .isEqualTo(FrameLimits.HEADER_BYTES + 4 + 188 * 4);
  }

  @Test
  void localStoresRefuseCompressionAndBadParametersAreNamed() {
    try (KVStore local = KVStores.create("local")) {
      assertThatThrownBy(() -> local.setGradientCompression(TWO_BIT))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("kvstore type 'local'");
    }
    start(1);
    try (DistKVStore kv = Workers.connect(server, SECRET, 0, 1)) {
      assertThatThrownBy(() -> kv.setGradientCompression(Map.of("type", "2bit",
          "threshold", "-1"))).hasMessageContaining("'threshold' must be a finite number > 0");
      assertThatThrownBy(() -> kv.setGradientCompression(Map.of("type", "4bit")))
          .hasMessageContaining("'type' must be '2bit', 'fp16' or 'none'");
      assertThat(kv.gradientCompression().enabled()).as("unchanged after a refusal").isFalse();
      kv.setGradientCompression(Map.of("type", "none"));
      kv.init("w", NDArray.zeros(4));
      kv.push("w", NDArray.of(new float[] {0.1f, 0, 0, 0}, Shape.of(4)));
      NDArray out = NDArray.zeros(4);
      kv.pull("w", out);
      assertThat(out.toFloatArray()).as("'none' pushes float32").containsExactly(0.1f, 0, 0, 0);
      assertThat(server.traffic().perKey().get("w").pushed()).isEqualTo(16);
    }
  }
}
