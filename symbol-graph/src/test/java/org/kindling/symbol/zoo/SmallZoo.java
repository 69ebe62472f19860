package org.kindling.symbol.zoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.kindling.symbol.Executor;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;

/**
 * Every zoo network at batch 2 and the smallest square input it accepts (plus the CIFAR depths
 * and stems the canonical names do not reach), with reproducible random arrays: the set-up of
 * the tests that run the whole zoo ({@code ZooPlanningTest}, {@code ZooEngineEquivalenceTest},
 * {@code BatchNormFoldingTest}).
 */
final class SmallZoo {
  static final int BATCH = 2;
  private static final int[] SIZES = {28, 32, 64, 96, 128, 160, 192, 224};

  private SmallZoo() {}

  /** A network at the smallest input it accepts. */
  record Net(String name, Symbol symbol, Shape data) {
    /** True if the network has BatchNorm layers (auxiliary states). */
    boolean hasBatchNorm() {
      return !symbol.listAuxiliaryStates().isEmpty();
    }

    @Override
    public String toString() {
      return name + " " + data;
    }
  }

  /** The arrays of a network: its arguments (data, labels, parameters) and auxiliary states. */
  record Arrays(Map<String, NDArray> args, Map<String, NDArray> aux) implements AutoCloseable {
    @Override
    public void close() {
      args.values().forEach(NDArray::close);
      aux.values().forEach(NDArray::close);
    }
  }

  static List<Net> networks() {
    List<Net> out = new ArrayList<>();
    for (String name : Zoo.names()) {
      out.add(smallest(name));
    }
    out.add(new Net("resnet20", Zoo.get("resnet20", 10, Shape.of(3, 28, 28)),
        Shape.of(BATCH, 3, 28, 28)));
    out.add(new Net("resnet164_v1", Zoo.get("resnet164_v1", 10, Shape.of(3, 28, 28)),
        Shape.of(BATCH, 3, 28, 28)));
    return out;
  }

  private static Net smallest(String name) {
    return smallest(name, 0);
  }

  /** {@code name} at the smallest square input of at least {@code atLeast} pixels it accepts. */
  static Net smallest(String name, int atLeast) {
    int channels = name.equals("mlp") || name.equals("lenet") ? 1 : 3;
    for (int size : SIZES) {
      if (size < atLeast) {
        continue;
      }
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

  /**
   * Random arrays for {@code net} ({@link ZooCases#initial}), the same for the same network in
   * any JVM: labels are random classes.
   */
  static Arrays arrays(Net net) {
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
    return new Arrays(args, aux);
  }

  /**
   * Binds {@code net} to the shared arguments of {@code arrays}, fresh copies of its auxiliary
   * states and (for training) its own gradient of every parameter; the executor owns the copies
   * and the gradients.
   */
  static Executor bind(Net net, Arrays arrays, boolean train, PlanOptions plan) {
    Map<String, NDArray> auxArrays = new LinkedHashMap<>();
    arrays.aux().forEach((name, initial) -> auxArrays.put(name, initial.copy()));
    Map<String, NDArray> grads = new LinkedHashMap<>();
    Map<String, GradReq> reqs = new LinkedHashMap<>();
    if (train) {
      arrays.args().forEach((name, a) -> {
        if (!name.equals("data") && !name.equals("softmax_label")) {
          grads.put(name, NDArray.zeros(a.shape()));
          reqs.put(name, GradReq.WRITE);
        }
      });
    }
    Executor e = net.symbol().bind(arrays.args(), grads, reqs, auxArrays, plan);
    e.adopt(auxArrays.values());
    e.adopt(grads.values());
    return e;
  }
}
