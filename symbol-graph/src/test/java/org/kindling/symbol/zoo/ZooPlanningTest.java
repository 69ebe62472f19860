package org.kindling.symbol.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.symbol.Executor;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.op.Randoms;

/**
 * Memory plans are safe on the engine: every zoo network, at batch 2 and the smallest square
 * input it accepts, gives bit for bit the same outputs, parameter gradients and updated
 * BatchNorm statistics with planning on as with every value in its own buffer, for a training
 * step (forward and backward) and for an executor bound for inference only (whose plan shares
 * far more), with fusion on against off. The engine runs steps concurrently, so this also
 * exercises the ordering that shared engine variables give.
 */
class ZooPlanningTest {
  static Stream<SmallZoo.Net> networks() {
    return SmallZoo.networks().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void planningChangesNoResult(SmallZoo.Net net) {
    try (SmallZoo.Arrays arrays = SmallZoo.arrays(net)) {
      List<Executor> all = new ArrayList<>();
      try {
        Executor trainOff = bind(net, arrays, true, PlanOptions.OFF, all);
        Executor trainOn = bind(net, arrays, true, PlanOptions.DEFAULT, all);
        Executor inferOff = bind(net, arrays, false, PlanOptions.OFF, all);
        // folding BatchNorm, and oneDNN's primitives over blocked layouts, change the rounding:
        // BatchNormFoldingTest and BlockedZooTest compare them within tolerance
        Executor inferOn = bind(net, arrays, false,
            PlanOptions.DEFAULT.withFold(false).withBlocked(false), all);
        assertThat(trainOn.memoryPlan().totalBytes())
            .isLessThan(trainOff.memoryPlan().totalBytes());
        assertThat(inferOn.memoryPlan().totalBytes())
            .isLessThan(inferOff.memoryPlan().totalBytes());

        for (Executor e : List.of(trainOff, trainOn)) {
          Randoms.seed(11);
          e.forward(true);
          e.backward();
        }
        same(trainOff.outputs().get(0), trainOn.outputs().get(0), net + " training output");
        for (String name : trainOff.gradDict().keySet()) {
          same(trainOff.gradDict().get(name), trainOn.gradDict().get(name),
              net + " gradient of " + name);
        }
        for (String name : trainOff.auxDict().keySet()) {
          same(trainOff.auxDict().get(name), trainOn.auxDict().get(name),
              net + " updated " + name);
        }
        for (Executor e : List.of(inferOff, inferOn)) {
          e.forward(false);
        }
        same(inferOff.outputs().get(0), inferOn.outputs().get(0),
            net + " output of an inference binding");
      } finally {
        all.forEach(Executor::close);
      }
    }
  }

  private static Executor bind(SmallZoo.Net net, SmallZoo.Arrays arrays, boolean train,
      PlanOptions plan, List<Executor> all) {
    Executor e = SmallZoo.bind(net, arrays, train, plan);
    all.add(e);
    return e;
  }

  /** Asserts equal bytes, naming the first difference. */
  static void same(NDArray expected, NDArray actual, String what) {
    expected.waitToRead();
    actual.waitToRead();
    ByteBuffer a = expected.byteBuffer();
    ByteBuffer b = actual.byteBuffer();
    int at = a.mismatch(b);
    if (at >= 0) {
      int i = at / 4;
      assertThat(actual.floatBuffer().get(i)).as("%s: element %d of %s", what, i,
          expected.shape()).isEqualTo(expected.floatBuffer().get(i));
    }
    assertThat(at).as(what).isEqualTo(-1);
  }
}
