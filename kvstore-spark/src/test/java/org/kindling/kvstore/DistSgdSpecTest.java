package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.symbol.optimizer.Optimizers;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/** The server builds its optimizer from the spec text with the default factory. */
@Timeout(60)
class DistSgdSpecTest {
  private static final byte[] SECRET = "sgd-spec-test-secret-0123456789".getBytes();

  @Test
  void distSyncWithAnSgdSpecGivesWhatALocalStoreGivesOnTheSummedGradient() throws Exception {
    String spec = "sgd learning_rate=0.05 momentum=0.9 wd=0.001 rescale_grad=0.5";
    int n = 100;
    int steps = 4;
    Random random = new Random(7);
    float[] init = new float[n];
    for (int i = 0; i < n; i++) {
      init[i] = (float) random.nextGaussian();
    }
    float[][][] grads = LocalReference.gaussianGrads(random, steps, 2, n);
    List<float[]> dist;
    try (KVStoreServer server = KVStoreServer.start(
        KVStoreServerConfig.builder().numWorkers(2).secret(SECRET).build())) {
      dist = Workers.run(2, rank -> {
        try (DistKVStore kv = Workers.connect(server, SECRET, rank, 2)) {
          kv.init("w", NDArray.of(init, Shape.of(n)));
          kv.setOptimizer(Optimizers.fromSpec(spec));
          NDArray out = NDArray.zeros(n);
          for (float[][] step : grads) {
            kv.push("w", NDArray.of(step[rank], Shape.of(n)));
            kv.pull("w", out);
          }
          kv.barrier();
          return out.toFloatArray();
        }
      });
    }
    // a + b == b + a in float, so the server's arrival order does not matter for W = 2
    float[] e = LocalReference.pushAll("w", init, Optimizers.fromSpec(spec), grads);
    assertThat(e).isNotEqualTo(init);
    assertThat(dist.get(0)).containsExactly(e);
    assertThat(dist.get(1)).containsExactly(e);
  }
}
