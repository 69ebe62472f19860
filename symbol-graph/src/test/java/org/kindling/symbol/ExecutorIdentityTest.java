package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.Copy;
import org.kindling.tensor.profile.Profiler;

/**
 * Identity-like steps of an inference binding that would copy nothing (decision 0075): an
 * identity of the bound argument reads the argument itself, a Flatten in place is not pushed,
 * and the argument is never written through the alias.
 */
class ExecutorIdentityTest {
  private static final Shape IN = Shape.of(2, 3, 4);

  /** data -> identity "id" -> relu (in place where allowed) -> flatten -> fc. */
  private static Symbol withIdentity() {
    Symbol id = Symbol.create(Copy.OP, "id", NoParams.NONE, Map.of("data",
        Symbol.variable("data")));
    return tail(id);
  }

  private static Symbol tail(Symbol x) {
    Symbol relu = Symbol.activation("relu", x, ActType.RELU);
    return Symbol.fullyConnected("fc", Symbol.flatten("flat", relu), 5);
  }

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    return v;
  }

  private static float[] run(Executor ex, float[] data, float[] weight, float[] bias) {
    ex.argDict().get("data").set(data);
    ex.argDict().get("fc_weight").set(weight);
    ex.argDict().get("fc_bias").set(bias);
    ex.forward(false);
    return ex.outputs().get(0).toFloatArray();
  }

  @Test
  void inferenceSkipsTheCopiesAndLeavesTheArgumentUnchanged() {
    float[] data = random(24, 1);
    float[] data2 = random(24, 2);
    float[] weight = random(60, 3);
    float[] bias = random(5, 4);
    Executor plain = tail(Symbol.variable("data")).simpleBind(Map.of("data", IN), GradReq.NULL);
    Executor ex = withIdentity().simpleBind(Map.of("data", IN), GradReq.NULL);
    try {
      float[] expected = run(plain, data, weight, bias);
      float[] expected2 = run(plain, data2, weight, bias);
      Profiler.clear();
      Profiler.start();
      float[] got = run(ex, data, weight, bias);
      Profiler.stop();
      List<String> ops = Profiler.events().stream()
          .filter(e -> e.category().equals(Profiler.ENGINE)).map(Profiler.Event::name).toList();
      assertThat(got).containsExactly(expected);
      // relu must not have run in place on the argument: negatives are still there
      assertThat(ex.argDict().get("data").toFloatArray()).containsExactly(data);
      assertThat(ops).doesNotContain("id", "flat").contains("relu");
      // the alias reads the argument's current values, pass after pass
      assertThat(run(ex, data2, weight, bias)).containsExactly(expected2);
      assertThat(ex.argDict().get("data").toFloatArray()).containsExactly(data2);
    } finally {
      Profiler.clear();
      plain.close();
      ex.close();
    }
  }

  @Test
  void trainingBindingStillCopies() {
    float[] data = random(24, 5);
    float[] weight = random(60, 6);
    float[] bias = random(5, 7);
    Executor plain = tail(Symbol.variable("data")).simpleBind(Map.of("data", IN), GradReq.WRITE);
    Executor ex = withIdentity().simpleBind(Map.of("data", IN), GradReq.WRITE);
    try {
      float[] expected = run(plain, data, weight, bias);
      Profiler.clear();
      Profiler.start();
      float[] got = run(ex, data, weight, bias);
      Profiler.stop();
      List<String> ops = Profiler.events().stream()
          .filter(e -> e.category().equals(Profiler.ENGINE)).map(Profiler.Event::name).toList();
      assertThat(got).containsExactly(expected);
      assertThat(ex.argDict().get("data").toFloatArray()).containsExactly(data);
      assertThat(ops).contains("id");
    } finally {
      Profiler.clear();
      plain.close();
      ex.close();
    }
  }
}
