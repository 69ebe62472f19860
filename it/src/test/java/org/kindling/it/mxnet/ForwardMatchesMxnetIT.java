package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.symbol.Executor;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.op.nn.SoftmaxOutput;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.io.ParamsFile;

/**
 * Kindling's forward pass against MXNet's predictor: a checkpoint that Kindling's {@link Module}
 * saves with random weights is loaded by {@code MXPredCreate} from the files on disk, and MXNet's
 * outputs for the same random input equal Kindling's within 1e-5 relative to the output's
 * largest magnitude, for the final output and for every internal node.
 */
class ForwardMatchesMxnetIT {
  private static final int[] DATA = {5, 2, 3, 4};
  private static final double TOLERANCE = 1e-5;

  /** Node names of {@link #net()} in order; MXNet's partial outputs use {@code <name>_output}. */
  private static final List<String> NODES = List.of("flatten0", "fc1", "relu1", "reshape0",
      "fc2", "sigmoid2", "fc3", "softrelu3", "flatten1", "fc4", "tanh4", "fc5", "softsign5",
      "add5", "fc6", "softmax");

  @TempDir Path dir;

  /**
   * Every operator Kindling has, each activation type, FullyConnected with and without flatten
   * and bias: data (5,2,3,4) -> Flatten -> FC 16 -> relu -> Reshape (0,4,-1) -> FC 6 on the
   * last axis -> sigmoid -> FC 5 on the last axis, no bias -> softrelu -> Flatten -> FC 8 ->
   * tanh -> FC 8 -> softsign -> add the tanh output -> FC 3 -> SoftmaxOutput.
   */
  static Symbol net() {
    Symbol data = Symbol.variable("data");
    Symbol x = Symbol.flatten("flatten0", data);
    x = Symbol.fullyConnected("fc1", x, 16);
    x = Symbol.activation("relu1", x, ActType.RELU);
    x = Symbol.reshape("reshape0", x, 0, 4, -1);
    x = Symbol.fullyConnected("fc2", x, FullyConnected.Params.of(6).withFlatten(false));
    x = Symbol.activation("sigmoid2", x, ActType.SIGMOID);
    x = Symbol.fullyConnected("fc3", x,
        FullyConnected.Params.of(5).withFlatten(false).withNoBias(true));
    x = Symbol.activation("softrelu3", x, ActType.SOFTRELU);
    x = Symbol.flatten("flatten1", x);
    x = Symbol.fullyConnected("fc4", x, 8);
    Symbol tanh4 = Symbol.activation("tanh4", x, ActType.TANH);
    x = Symbol.fullyConnected("fc5", tanh4, 8);
    x = Symbol.activation("softsign5", x, ActType.SOFTSIGN);
    x = Symbol.elemwiseAdd("add5", x, tanh4);
    x = Symbol.fullyConnected("fc6", x, 3);
    return Symbol.softmaxOutput("softmax", x);
  }

  @Test
  void mxnetPredictsKindlingsOutputsFromKindlingsCheckpoint() throws IOException {
    Symbol net = net();
    SplittableRandom rnd = new SplittableRandom(42L);
    float[] input = uniform(rnd, size(DATA), 2f);
    Map<String, NDArray> params = randomParams(net, DATA, rnd);

    Module module = new Module(net);
    module.bind(Shape.of(DATA), null, false);
    module.setParams(params, Map.of());
    module.forward(new DataBatch(List.of(NDArray.of(input, Shape.of(DATA))), List.of(), 0), false);
    NDArray out = module.outputs().get(0);
    float[] kindling = out.toFloatArray();
    Path prefix = dir.resolve("mlp");
    module.saveCheckpoint(prefix, 3);

    String json = Files.readString(Module.symbolPath(prefix));
    byte[] paramBytes = Files.readAllBytes(Module.paramsPath(prefix, 3));
    try (MxPredictor p = MxPredictor.create(json, paramBytes, Map.of("data", DATA), List.of())) {
      p.setInput("data", input);
      p.forward();
      assertThat(p.outputShape(0)).containsExactly(out.shape().dims());
      assertClose(kindling, p.output(0), "softmax_output");
    }
    assertThat(out.shape()).isEqualTo(Shape.of(5, 3));
  }

  @Test
  void everyInternalOutputMatchesMxnet() throws IOException {
    Symbol net = net();
    SplittableRandom rnd = new SplittableRandom(4242L);
    float[] input = uniform(rnd, size(DATA), 2f);
    Map<String, NDArray> params = randomParams(net, DATA, rnd);

    Symbol internals = net.internals();
    List<Symbol> heads = new ArrayList<>();
    for (String n : NODES) {
      heads.add(internals.get(n + "_output"));
    }
    Symbol group = Symbol.group(heads.toArray(new Symbol[0]));
    Map<String, NDArray> args = new LinkedHashMap<>(params);
    args.put("data", NDArray.of(input, Shape.of(DATA)));
    args.put("softmax_label", NDArray.zeros(DATA[0]));
    Executor exec = group.bind(args, Map.of(), Map.of(), Map.of());
    exec.forward(false);

    Path file = dir.resolve("internals.params");
    try (OutputStream o = Files.newOutputStream(file)) {
      ParamsFile.write(o, argNames(params), List.copyOf(params.values()));
    }
    byte[] paramBytes = Files.readAllBytes(file);
    // One predictor per node: when one MXNet predictor is asked for both fc1 and relu1, its
    // MKLDNN subgraph pass fuses the two and returns the first one's values for both (MXNet
    // 1.9.1's bug; with MXNET_SUBGRAPH_BACKEND=NONE it returns both correctly).
    for (int i = 0; i < NODES.size(); i++) {
      String node = NODES.get(i);
      try (MxPredictor p = MxPredictor.create(net.toJson(), paramBytes, Map.of("data", DATA),
          List.of(node))) {
        p.setInput("data", input);
        p.forward();
        NDArray k = exec.outputs().get(i);
        assertThat(p.outputShape(0)).as(node + " shape").containsExactly(k.shape().dims());
        assertClose(k.toFloatArray(), p.output(0), node + "_output");
      }
    }
  }

  @Test
  void softmaxOutputVariantsMatchMxnet() throws IOException {
    Map<String, SoftmaxOutput.Params> variants = new LinkedHashMap<>();
    variants.put("defaults", SoftmaxOutput.Params.defaults());
    variants.put("multi_output", SoftmaxOutput.Params.defaults().withMultiOutput(true));
    variants.put("preserve_shape", SoftmaxOutput.Params.defaults().withPreserveShape(true));
    int[] dataShape = {4, 6};
    SplittableRandom rnd = new SplittableRandom(99L);
    for (Map.Entry<String, SoftmaxOutput.Params> v : variants.entrySet()) {
      Symbol x = Symbol.fullyConnected("fc", Symbol.variable("data"), 12);
      x = Symbol.reshape("r", x, 0, 3, 4);
      Symbol net = Symbol.softmaxOutput("sm", x, v.getValue());
      float[] input = uniform(rnd, size(dataShape), 3f);
      Map<String, NDArray> params = randomParams(net, dataShape, rnd);

      Module module = new Module(net, List.of("data"), List.of("sm_label"));
      module.bind(Shape.of(dataShape), null, false);
      module.setParams(params, Map.of());
      module.forward(new DataBatch(List.of(NDArray.of(input, Shape.of(dataShape))), List.of(), 0),
          false);
      Path prefix = dir.resolve("sm-" + v.getKey());
      module.saveCheckpoint(prefix, 0);

      try (MxPredictor p = MxPredictor.create(Files.readString(Module.symbolPath(prefix)),
          Files.readAllBytes(Module.paramsPath(prefix, 0)), Map.of("data", dataShape),
          List.of())) {
        p.setInput("data", input);
        p.forward();
        NDArray out = module.outputs().get(0);
        assertThat(p.outputShape(0)).as(v.getKey()).containsExactly(out.shape().dims());
        assertClose(out.toFloatArray(), p.output(0), "SoftmaxOutput " + v.getKey());
      }
    }
  }

  // ------------------------------------------------------------------------------ helpers

  /** Random parameters for every argument but data and labels, uniform in [-0.5, 0.5). */
  private static Map<String, NDArray> randomParams(Symbol net, int[] dataShape,
      SplittableRandom rnd) {
    Map<String, Shape> shapes = net.inferShape(Map.of("data", Shape.of(dataShape))).arguments();
    Map<String, NDArray> params = new LinkedHashMap<>();
    shapes.forEach((name, shape) -> {
      if (!name.equals("data") && !name.endsWith("_label")) {
        params.put(name, NDArray.of(uniform(rnd, (int) shape.size(), 0.5f), shape));
      }
    });
    return params;
  }

  private static List<String> argNames(Map<String, NDArray> params) {
    return params.keySet().stream().map(n -> "arg:" + n).toList();
  }

  private static float[] uniform(SplittableRandom rnd, int n, float bound) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextDouble(-bound, bound);
    }
    return v;
  }

  private static int size(int[] dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  /**
   * Every element of {@code kindling} within {@link #TOLERANCE} times the largest magnitude of
   * {@code mxnet}, which must not be all zeros (a vacuous comparison).
   */
  static void assertClose(float[] kindling, float[] mxnet, String what) {
    assertThat(kindling).as(what + " element count").hasSameSizeAs(mxnet);
    double scale = 0;
    for (float v : mxnet) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertThat(scale).as(what + ": MXNet's largest magnitude").isGreaterThan(1e-3);
    double worst = -1;
    int at = 0;
    for (int i = 0; i < mxnet.length; i++) {
      double err = Math.abs((double) kindling[i] - mxnet[i]);
      if (Double.isNaN(err) || err > worst) {
        worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
        at = i;
      }
    }
    assertThat(worst / scale)
        .as("%s: largest |kindling - mxnet| %.3g at element %d (kindling %s, MXNet %s), "
            + "relative to MXNet's largest magnitude %.4g", what, worst, at, kindling[at],
            mxnet[at], scale)
        .isLessThanOrEqualTo(TOLERANCE);
  }
}
