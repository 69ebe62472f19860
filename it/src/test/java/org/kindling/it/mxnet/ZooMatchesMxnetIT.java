package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kindling.symbol.zoo.ZooCases.CIFAR28;
import static org.kindling.symbol.zoo.ZooCases.CIFAR32;
import static org.kindling.symbol.zoo.ZooCases.IMAGENET;
import static org.kindling.symbol.zoo.ZooCases.initial;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.symbol.Executor;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.zoo.LeNet;
import org.kindling.symbol.zoo.Mlp;
import org.kindling.symbol.zoo.Zoo;
import org.kindling.symbol.zoo.ZooCases;
import org.kindling.symbol.zoo.ZooCases.Case;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/**
 * The model zoo ({@link Zoo}) against real MXNet 1.9.1:
 *
 * <ol>
 *   <li>Each network's symbol JSON, loaded by MXNet, lists the same arguments, auxiliary states
 *       and outputs, and MXNet's shape inference ({@code MXSymbolInferShapeEx}) gives the same
 *       shape for every one of them, hence the same parameter counts, which are also the
 *       figures stated here (and in the unit test {@code ZooTest}).
 *   <li>At inference, MXNet's predictor ({@code MXPredCreatePartialOut}) and Kindling's executor
 *       give the same logits (the last FullyConnected) and probabilities for the same random
 *       parameters, moving statistics and input, within {@value #TOLERANCE} of the largest
 *       magnitude.
 * </ol>
 *
 * <p>The training step is compared in {@link ZooTrainingMatchesMxnetIT}.
 *
 * <p>Parameters are He-style uniform (so that deep networks keep activations of order one),
 * gammas and moving variances in [0.5, 1.5], other vectors in [-0.1, 0.1], data in [-1, 1].
 * The largest relative differences are printed per network.
 */
class ZooMatchesMxnetIT {
  static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  // ------------------------------------------------------------------ 1. names, shapes, counts

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.symbol.zoo.ZooCases#canonical")
  void namesShapesAndCountsMatchMxnet(Case c) throws Exception {
    Symbol net = c.symbol();
    int[] data = c.data(1).dims();
    InferredShapes k = net.inferShape(Map.of("data", c.data(1)));
    String json = net.toJson();
    try (MxSymbol m = MxSymbol.fromJson(json)) {
      assertThat(m.listArguments()).as("arguments").isEqualTo(net.listArguments());
      assertThat(m.listAuxiliaryStates()).as("auxiliary states")
          .isEqualTo(net.listAuxiliaryStates());
      assertThat(m.listOutputs()).as("outputs").isEqualTo(net.listOutputs());

      MxSymbol.Shapes s = m.inferShape(Map.of("data", data));
      assertThat(s.complete()).as("MXNet inferred every shape").isTrue();
      long params = 0;
      List<String> args = m.listArguments();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        assertThat(s.arguments().get(i)).as("shape of " + a)
            .containsExactly(k.argument(a).dims());
        if (!a.equals("data") && !a.equals("softmax_label")) {
          params += size(s.arguments().get(i));
        }
      }
      long aux = 0;
      List<String> auxNames = m.listAuxiliaryStates();
      for (int i = 0; i < auxNames.size(); i++) {
        assertThat(s.auxiliaryStates().get(i)).as("shape of " + auxNames.get(i))
            .containsExactly(k.auxiliaryStates().get(auxNames.get(i)).dims());
        aux += size(s.auxiliaryStates().get(i));
      }
      assertThat(s.outputs()).hasSize(1);
      assertThat(s.outputs().get(0)).containsExactly(k.outputs().get(0).dims());
      assertThat(params).as("MXNet's parameter count of " + c).isEqualTo(c.params());
      assertThat(aux).as("MXNet's auxiliary-state count of " + c).isEqualTo(c.aux());
      System.out.printf("ZooMatchesMxnetIT counts %-14s %-14s params %,d aux %,d%n", c.name(),
          c.image(), params, aux);

      // MXNet's own JSON of the network reads back into the same Kindling symbol
      Symbol back = Symbol.fromJson(m.toJson(), c.name() + " from MXNet");
      assertThat(back.listArguments()).isEqualTo(net.listArguments());
      assertThat(back.inferShape(Map.of("data", Shape.of(data))).arguments())
          .isEqualTo(k.arguments());
    }
  }

  // ------------------------------------------------------------------ 2. inference

  /** A network, an input shape to run it on and its number of classes. */
  record Run(String label, Symbol net, int[] data, int classes) {
    @Override
    public String toString() {
      return label + " " + Shape.of(data);
    }
  }

  static List<Run> inference() {
    List<Run> r = new ArrayList<>(List.of(
        new Run("mlp", Mlp.get(10), new int[] {4, 1, 28, 28}, 10),
        new Run("lenet", LeNet.get(10), new int[] {4, 1, 28, 28}, 10),
        new Run("alexnet", Zoo.get("alexnet", 1000, IMAGENET), new int[] {1, 3, 224, 224}, 1000),
        new Run("vgg16", Zoo.get("vgg16", 1000, IMAGENET), new int[] {1, 3, 224, 224}, 1000),
        new Run("vgg11_bn", Zoo.get("vgg11_bn", 10, CIFAR32), new int[] {2, 3, 32, 32}, 10),
        new Run("resnet18", Zoo.get("resnet18", 1000, IMAGENET), new int[] {1, 3, 224, 224},
            1000),
        new Run("resnet50", Zoo.get("resnet50", 1000, IMAGENET), new int[] {1, 3, 224, 224},
            1000),
        new Run("resnet50_v1", Zoo.get("resnet50_v1", 1000, IMAGENET),
            new int[] {1, 3, 224, 224}, 1000),
        new Run("resnet20", Zoo.get("resnet20", 10, CIFAR28), new int[] {2, 3, 28, 28}, 10),
        new Run("resnet18_v1", Zoo.get("resnet18_v1", 10, CIFAR32), new int[] {2, 3, 32, 32},
            10),
        new Run("mobilenet", Zoo.get("mobilenet", 1000, IMAGENET), new int[] {1, 3, 224, 224},
            1000)));
    r.add(new Run("inception-bn", Zoo.get("inception-bn", 1000, IMAGENET),
        new int[] {1, 3, 224, 224}, 1000));
    return r;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inference")
  void inferenceMatchesMxnetPredictor(Run run) throws IOException {
    Symbol net = run.net();
    SplittableRandom rnd = new SplittableRandom(run.label().hashCode());
    InferredShapes shapes = net.inferShape(Map.of("data", Shape.of(run.data())));
    String logitsNode = lastHiddenNode(net);

    // Kindling: the logits and the probabilities, from random parameters
    Map<String, NDArray> args = new LinkedHashMap<>();
    Map<String, NDArray> aux = new LinkedHashMap<>();
    shapes.arguments().forEach((n, s) -> args.put(n, NDArray.of(initial(n, s, rnd), s)));
    shapes.auxiliaryStates().forEach((n, s) -> aux.put(n, NDArray.of(initial(n, s, rnd), s)));
    Symbol both = Symbol.group(net.internals().get(logitsNode + "_output"), net);
    float[] kLogits;
    float[] kProbs;
    try (Executor exec = both.bind(args, Map.of(), Map.of(), aux)) {
      exec.forward(false);
      kLogits = exec.outputs().get(0).toFloatArray();
      kProbs = exec.outputs().get(1).toFloatArray();
    }

    // MXNet: the same parameters through a .params file
    Path file = dir.resolve("zoo.params");
    List<String> names = new ArrayList<>();
    List<NDArray> arrays = new ArrayList<>();
    args.forEach((n, a) -> {
      if (!n.equals("data") && !n.equals("softmax_label")) {
        names.add("arg:" + n);
        arrays.add(a);
      }
    });
    aux.forEach((n, a) -> {
      names.add("aux:" + n);
      arrays.add(a);
    });
    try (OutputStream o = Files.newOutputStream(file)) {
      ParamsFile.write(o, names, arrays);
    }
    float[] input = args.get("data").toFloatArray();
    args.values().forEach(NDArray::close);
    aux.values().forEach(NDArray::close);
    byte[] paramBytes = Files.readAllBytes(file);
    Files.delete(file);
    float[] mLogits;
    float[] mProbs;
    try (MxPredictor p = MxPredictor.create(net.toJson(), paramBytes,
        Map.of("data", run.data()), List.of(logitsNode, "softmax"))) {
      paramBytes = null;
      p.setInput("data", input);
      p.forward();
      assertThat(p.outputShape(0)).containsExactly(run.data()[0], run.classes());
      assertThat(p.outputShape(1)).containsExactly(run.data()[0], run.classes());
      mLogits = p.output(0);
      mProbs = p.output(1);
    }
    double logits = relativeError(kLogits, mLogits);
    double probs = relativeError(kProbs, mProbs);
    System.out.printf("ZooMatchesMxnetIT inference %-14s %-18s logits %.2e probs %.2e "
        + "(largest |logit| %.3g)%n", run.label(), Shape.of(run.data()), logits, probs,
        maxAbs(mLogits));
    assertThat(maxAbs(mLogits)).as("MXNet's logits are not all zero").isGreaterThan(1e-3);
    assertThat(logits).as(run + " logits (" + logitsNode + ")").isLessThanOrEqualTo(TOLERANCE);
    assertThat(probs).as(run + " probabilities").isLessThanOrEqualTo(TOLERANCE);
  }

  // ------------------------------------------------------------------ helpers

  /** The node feeding {@code softmax}: the last node output before the label in DFS order. */
  private static String lastHiddenNode(Symbol net) {
    List<String> outs = net.internals().listOutputs();
    int i = outs.indexOf("softmax_output");
    String prev = outs.get(i - 1).equals("softmax_label") ? outs.get(i - 2) : outs.get(i - 1);
    return prev.substring(0, prev.length() - "_output".length());
  }

  /**
   * The largest |kindling - mxnet| relative to MXNet's largest magnitude; 0 when both are all
   * zeros (the gradient of a fixed gamma), infinite when only Kindling's is non-zero.
   */
  static double relativeError(float[] kindling, float[] mxnet) {
    return relativeError(widen(kindling), widen(mxnet), 0);
  }

  /** As {@link #relativeError(float[], float[])}, relative to at least {@code floor}. */
  static double relativeError(double[] kindling, double[] mxnet, double floor) {
    assertThat(kindling).hasSameSizeAs(mxnet);
    double scale = Math.max(maxAbs(mxnet), floor);
    double worst = 0;
    for (int i = 0; i < mxnet.length; i++) {
      double d = Math.abs(kindling[i] - mxnet[i]);
      worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
    }
    if (scale == 0) {
      return worst == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    return worst / scale;
  }

  static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  private static double maxAbs(float[] v) {
    return maxAbs(widen(v));
  }

  /** The values as doubles (exactly). */
  static double[] widen(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private static long size(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  static float[] labels(int n, int classes, SplittableRandom rnd) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextInt(classes);
    }
    return v;
  }
}
