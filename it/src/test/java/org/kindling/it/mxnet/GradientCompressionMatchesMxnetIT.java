package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.kvstore.KVStores;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * 2-bit gradient compression against MXNet 1.9.1's {@code device} store (its {@code
 * CommDevice::ReduceCompressed}) on two CPU contexts: each step pushes one array per device,
 * each is quantized against its own residual, dequantized and summed, and the pull returns the
 * sum (no updater: assign). Kindling's {@code device} store must pull the same bits at every
 * step, so the thresholds, the residual carried from step to step and the dequantized values
 * are MXNet's. MXNet's C API does not expose the packed bytes (no 2-bit operator in 1.9.1), so
 * the bit layout is checked against its source in {@code TwoBitCodecTest}.
 */
class GradientCompressionMatchesMxnetIT {
  private static final int N = 37;
  private static final int STEPS = 8;

  @BeforeAll
  static void onlyInTheOracleJvm() {
    OracleExecution.require();
  }

  /** Gradients over several scales, with exact ±threshold values mixed in. */
  private static float[][][] gradients(float threshold) {
    SplittableRandom rnd = new SplittableRandom(7);
    float[][][] g = new float[STEPS][2][N];
    for (float[][] step : g) {
      for (float[] dev : step) {
        for (int i = 0; i < N; i++) {
          int kind = rnd.nextInt(6);
          dev[i] = kind == 0 ? threshold : kind == 1 ? -threshold
              : (float) (rnd.nextDouble(-1, 1) * threshold * Math.pow(10, rnd.nextInt(-2, 2)));
        }
      }
    }
    return g;
  }

  @ParameterizedTest
  @ValueSource(floats = {0.5f, 0.3f, 2f})
  void deviceStorePullsTheSameBitsAsMxnet(float threshold) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("type", "2bit");
    params.put("threshold", Float.toString(threshold));
    float[][][] grads = gradients(threshold);

    List<float[]> mxnet = new ArrayList<>();
    try (MxKVStore mx = MxKVStore.create("device")) {
      mx.setGradientCompression(params);
      mx.init("w", new float[N]);
      for (float[][] step : grads) {
        mx.push("w", step[0], step[1]);
        mxnet.add(mx.pull("w", N));
      }
      mx.freeArrays();
    }

    try (KVStore kv = KVStores.create("device")) {
      kv.setGradientCompression(params);
      kv.init("w", NDArray.zeros(N));
      int nonZero = 0;
      for (int s = 0; s < STEPS; s++) {
        kv.push("w", List.of(NDArray.of(grads[s][0], Shape.of(N)),
            NDArray.of(grads[s][1], Shape.of(N))));
        NDArray out = NDArray.zeros(N);
        kv.pull("w", out);
        float[] mine = out.toFloatArray();
        for (float v : mine) {
          nonZero += v != 0 ? 1 : 0;
        }
        assertThat(mine).as("threshold %s step %d", threshold, s)
            .usingElementComparator(GradientCompressionMatchesMxnetIT::bits)
            .containsExactly(mxnet.get(s));
      }
      assertThat(nonZero).as("the steps exercise the codes").isGreaterThan(STEPS * N / 4);
    }
  }

  private static int bits(Float a, Float b) {
    return Integer.compare(Float.floatToRawIntBits(a), Float.floatToRawIntBits(b));
  }

}
