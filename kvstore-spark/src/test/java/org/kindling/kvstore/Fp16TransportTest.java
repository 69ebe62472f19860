package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * Kindling's fp16 transport ({@code setGradientCompression({type: fp16})}): pushes and pulls
 * cross the wire as float16, the server sums in float32, and the pushed and pulled bytes are
 * half of float32's.
 */
@Timeout(60)
class Fp16TransportTest {
  private static final byte[] SECRET = "fp16-transport-secret-0123456789".getBytes();

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** float -> half -> float, as the wire does it. */
  static float[] roundTrip(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length);
    Half.narrow(FloatBuffer.wrap(v), b, v.length);
    float[] out = new float[v.length];
    Half.widen(b, FloatBuffer.wrap(out), v.length);
    return out;
  }

  @Test
  void pushesAndPullsAreFloat16SummedInFloat32AtHalfTheBytes() throws Exception {
    int w = 2;
    int steps = 3;
    // one key summed by the state thread at every size: float16 pushes are not streamed
    int n = 70_001;
    float[][][] grads = LocalReference.gaussianGrads(new Random(5), steps, w, n);
    server = KVStoreServer.start(KVStoreServerConfig.builder().numWorkers(w).secret(SECRET).build());
    List<List<float[]>> pulled = Workers.run(w, rank -> {
      List<float[]> seen = new ArrayList<>();
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, w)) {
        kv.init("w", NDArray.zeros(n));
        kv.setGradientCompression(Map.of("type", "fp16"));
        NDArray out = NDArray.zeros(n);
        for (int s = 0; s < steps; s++) {
          NDArray g = NDArray.of(grads[s][rank], Shape.of(n));
          if (s == 1) {
            kv.pushPull("w", List.of(g), List.of(out));
          } else {
            kv.push("w", g);
            kv.pull("w", out);
          }
          seen.add(out.toFloatArray());
        }
        kv.barrier();
      }
      return seen;
    });
    for (int s = 0; s < steps; s++) {
      // without an optimizer the sum is assigned: each push rounded to half, added in float32
      // (two operands: the same bits in either order), the reply rounded to half again
      float[] a = roundTrip(grads[s][0]);
      float[] b = roundTrip(grads[s][1]);
      float[] sum = new float[n];
      for (int i = 0; i < n; i++) {
        sum[i] = a[i] + b[i];
      }
      float[] want = roundTrip(sum);
      for (int r = 0; r < w; r++) {
        assertThat(Arrays.mismatch(pulled.get(r).get(s), want)).as("rank %d step %d", r, s)
            .isEqualTo(-1);
      }
    }
    TrafficSnapshot.KeyBytes bytes = server.traffic().perKey().get("w");
    assertThat(bytes.pushed()).as("half of float32's").isEqualTo((long) w * steps * n * 4 / 2);
    assertThat(bytes.pulled()).as("half of float32's").isEqualTo((long) w * steps * n * 4 / 2);
  }

  @Test
  void aLocalOrDeviceStoreRefusesFp16() {
    try (LocalKVStore device = new LocalKVStore("device")) {
      assertThatThrownBy(() -> device.setGradientCompression(Map.of("type", "fp16")))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("fp16 is a transport of the dist stores");
    }
  }
}
