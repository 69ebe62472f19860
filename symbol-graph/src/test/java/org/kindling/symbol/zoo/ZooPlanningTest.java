package org.kindling.symbol.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.symbol.Executor;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;
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
  private static final int BATCH = 2;
  private static final int[] SIZES = {28, 32, 64, 96, 128, 160, 192, 224};

  /** A network at the smallest input it accepts. */
  record Net(String name, Symbol symbol, Shape data) {
    @Override
    public String toString() {
      return name + " " + data;
    }
  }

  static Stream<Net> networks() {
    List<Net> out = new ArrayList<>();
    for (String name : Zoo.names()) {
      out.add(smallest(name));
    }
    // the CIFAR depths and stems, which the canonical names do not reach
    out.add(new Net("resnet20", Zoo.get("resnet20", 10, Shape.of(3, 28, 28)),
        Shape.of(BATCH, 3, 28, 28)));
    out.add(new Net("resnet164_v1", Zoo.get("resnet164_v1", 10, Shape.of(3, 28, 28)),
        Shape.of(BATCH, 3, 28, 28)));
    return out.stream();
  }

  private static Net smallest(String name) {
    int channels = name.equals("mlp") || name.equals("lenet") ? 1 : 3;
    for (int size : SIZES) {
      Shape image = Shape.of(channels, size, size);
      try {
        Symbol net = Zoo.get(name, 10, image);
        Shape data = Shape.of(BATCH, channels, size, size);
        net.inferShape(Map.of("data", data));
        return new Net(name, net, data);
      } catch (IllegalArgumentException tooSmall) {
        // the next size
      }
    }
    throw new IllegalStateException(name + " accepts none of the sizes tried");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void planningChangesNoResult(Net net) {
    SplittableRandom rnd = new SplittableRandom(net.name().hashCode());
    InferredShapes shapes = net.symbol().inferShape(Map.of("data", net.data()));
    Map<String, NDArray> args = new LinkedHashMap<>();
    shapes.arguments().forEach((name, shape) -> args.put(name, NDArray.zeros(shape)));
    float[] labels = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      labels[i] = rnd.nextInt(10);
    }
    args.forEach((name, a) -> a.set(name.equals("softmax_label") ? labels
        : ZooCases.initial(name, a.shape(), rnd)));
    Map<String, NDArray> aux = new LinkedHashMap<>();
    shapes.auxiliaryStates().forEach((name, shape) -> aux.put(name,
        NDArray.of(ZooCases.initial(name, shape, rnd), shape)));
    List<Executor> all = new ArrayList<>();
    try {
      Executor trainOff = bind(net, args, aux, true, PlanOptions.OFF, all);
      Executor trainOn = bind(net, args, aux, true, PlanOptions.DEFAULT, all);
      Executor inferOff = bind(net, args, aux, false, PlanOptions.OFF, all);
      Executor inferOn = bind(net, args, aux, false, PlanOptions.DEFAULT, all);
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
        same(trainOff.auxDict().get(name), trainOn.auxDict().get(name), net + " updated " + name);
      }
      for (Executor e : List.of(inferOff, inferOn)) {
        e.forward(false);
      }
      same(inferOff.outputs().get(0), inferOn.outputs().get(0),
          net + " output of an inference binding");
    } finally {
      all.forEach(Executor::close);
      args.values().forEach(NDArray::close);
      aux.values().forEach(NDArray::close);
    }
  }

  /** Binds with the shared arguments, fresh copies of the auxiliary states and own gradients. */
  private static Executor bind(Net net, Map<String, NDArray> args, Map<String, NDArray> aux,
      boolean train, PlanOptions plan, List<Executor> all) {
    Map<String, NDArray> auxArrays = new LinkedHashMap<>();
    aux.forEach((name, initial) -> auxArrays.put(name, initial.copy()));
    Map<String, NDArray> grads = new LinkedHashMap<>();
    Map<String, GradReq> reqs = new LinkedHashMap<>();
    if (train) {
      args.forEach((name, a) -> {
        if (!name.equals("data") && !name.equals("softmax_label")) {
          grads.put(name, NDArray.zeros(a.shape()));
          reqs.put(name, GradReq.WRITE);
        }
      });
    }
    Executor e = net.symbol().bind(args, grads, reqs, auxArrays, plan);
    e.adopt(auxArrays.values());
    e.adopt(grads.values());
    all.add(e);
    return e;
  }

  /** Asserts equal bytes, naming the first difference. */
  private static void same(NDArray expected, NDArray actual, String what) {
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
