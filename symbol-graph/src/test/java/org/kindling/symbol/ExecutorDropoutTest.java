package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.Dropout;
import org.kindling.tensor.profile.Profiler;

/**
 * Dropout in an inference pass of an executor without backward steps (decision 0079): planned in
 * place over its input, it passes the data through, so no engine operation is pushed for it;
 * a training forward of the same executor still drops, a monitored pass still fills the mask,
 * and executors with gradients and {@code mode='always'} still run the kernel.
 */
class ExecutorDropoutTest {
  private static final Shape IN = Shape.of(2, 6);

  /** data -> fc1 -> relu -> [dropout "drop"] -> fc2. */
  private static Symbol net(Dropout.Params dropout) {
    Symbol relu = Symbol.activation("relu", Symbol.fullyConnected("fc1",
        Symbol.variable("data"), 8), ActType.RELU);
    Symbol x = dropout == null ? relu
        : Symbol.create(Dropout.OP, "drop", dropout, Map.of("data", relu));
    return Symbol.fullyConnected("fc2", x, 3);
  }

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    return v;
  }

  private static void set(Executor ex, float[] data) {
    ex.argDict().get("data").set(data);
    ex.argDict().get("fc1_weight").set(random(48, 11));
    ex.argDict().get("fc1_bias").set(random(8, 12));
    ex.argDict().get("fc2_weight").set(random(24, 13));
    ex.argDict().get("fc2_bias").set(random(3, 14));
  }

  private static float[] run(Executor ex, float[] data, boolean train) {
    set(ex, data);
    ex.forward(train);
    return ex.outputs().get(0).toFloatArray();
  }

  /** The engine operations one inference forward pushes, and its output. */
  private static List<String> traced(Executor ex, float[] data, float[][] output) {
    Profiler.clear();
    Profiler.start();
    output[0] = run(ex, data, false);
    Profiler.stop();
    List<String> ops = Profiler.events().stream()
        .filter(e -> e.category().equals(Profiler.ENGINE)).map(Profiler.Event::name).toList();
    Profiler.clear();
    return ops;
  }

  @Test
  void inferenceDropoutPushesNothingAndTrainingStillDrops() {
    float[] data = random(12, 1);
    float[] data2 = random(12, 2);
    Executor plain = net(null).simpleBind(Map.of("data", IN), GradReq.NULL);
    Executor ex = net(Dropout.Params.of(0.5f)).simpleBind(Map.of("data", IN), GradReq.NULL);
    try {
      float[] expected = run(plain, data, false);
      float[] expected2 = run(plain, data2, false);
      float[][] got = new float[1][];
      List<String> ops = traced(ex, data, got);
      assertThat(got[0]).containsExactly(expected);
      assertThat(ops).doesNotContain("drop").isNotEmpty();
      // a training forward of the same executor still drops (in place): another output
      assertThat(run(ex, data2, true)).isNotEqualTo(expected2);
      // and the next inference pass is the data passed through again
      assertThat(run(ex, data2, false)).containsExactly(expected2);
      assertThat(run(ex, data, false)).containsExactly(expected);
    } finally {
      plain.close();
      ex.close();
    }
  }

  @Test
  void aMonitorStillSeesTheMaskOfOnes() {
    float[] data = random(12, 4);
    Executor plain = net(null).simpleBind(Map.of("data", IN), GradReq.NULL);
    Executor ex = net(Dropout.Params.of(0.5f)).simpleBind(Map.of("data", IN), GradReq.NULL);
    try {
      float[] expected = run(plain, data, false);
      run(ex, data, true); // a training pass leaves a mask of zeros and twos
      Map<String, float[]> seen = new java.util.HashMap<>();
      ex.setMonitor((name, a) -> seen.put(name, a.toFloatArray()));
      float[][] got = new float[1][];
      assertThat(traced(ex, data, got)).contains("drop");
      assertThat(got[0]).containsExactly(expected);
      assertThat(seen.get("drop_mask")).hasSize(16).containsOnly(1f);
    } finally {
      plain.close();
      ex.close();
    }
  }

  @Test
  void gradientsOrModeAlwaysStillRunTheKernel() {
    float[] data = random(12, 3);
    Executor plain = net(null).simpleBind(Map.of("data", IN), GradReq.NULL);
    Executor training = net(Dropout.Params.of(0.5f)).simpleBind(Map.of("data", IN),
        GradReq.WRITE);
    Executor always = net(Dropout.Params.of(0.5f).withMode(Dropout.Mode.ALWAYS))
        .simpleBind(Map.of("data", IN), GradReq.NULL);
    try {
      float[] expected = run(plain, data, false);
      float[][] got = new float[1][];
      // the backward pass reads the mask this inference forward fills with ones
      assertThat(traced(training, data, got)).contains("drop");
      assertThat(got[0]).containsExactly(expected);
      assertThat(traced(always, data, got)).contains("drop");
      assertThat(got[0]).isNotEqualTo(expected);
    } finally {
      plain.close();
      training.close();
      always.close();
    }
  }
}
