package org.kindling.symbol.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kindling.symbol.zoo.ZooCases.CIFAR28;
import static org.kindling.symbol.zoo.ZooCases.CIFAR32;
import static org.kindling.symbol.zoo.ZooCases.IMAGENET;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.symbol.Executor;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.zoo.ZooCases.Case;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.GradReq;

/**
 * The model zoo: every network builds, infers shapes with MXNet's parameter counts, round-trips
 * through symbol JSON, and trains one step (forward and backward) at a small size.
 *
 * <p>The expected parameter counts ({@link ZooCases}: every argument but {@code data} and
 * {@code softmax_label}; auxiliary states counted apart) are MXNet 1.9.1's own:
 * {@code ZooMatchesMxnetIT} loads each network's JSON into real MXNet, infers the shapes there
 * with {@code MXSymbolInferShapeEx} and checks MXNet's argument names, shapes and these same
 * figures. Where a count is published independently it agrees: LeNet 431,080 and VGG-16
 * 138,357,544 (the brief), VGG-11/13/19 and the BatchNorm VGGs as torchvision's ({@code vgg11}
 * 132,863,336, {@code vgg16_bn} 138,365,992, ...), ResNet-50 v1 25,557,032 (torchvision's
 * resnet50; the unit layout differs but not the count), MobileNet 1.0 4,231,976 (Keras' trainable
 * parameters). AlexNet has 50,844,008 rather than the usual 62,378,344 because MXNet's definition
 * on 224x224 (not 227x227) pools to 5x5 before {@code fc1}; ResNet-18 v1 has 11,693,736 rather
 * than torchvision's 11,689,512 because MXNet's first unit projects its shortcut even in the first
 * stage.
 */
class ZooTest {
  /** Parameter and auxiliary-state element counts from Kindling's shape inference. */
  static long[] counts(Symbol net, Shape data) {
    InferredShapes s = net.inferShape(Map.of("data", data));
    long params = 0;
    for (Map.Entry<String, Shape> e : s.arguments().entrySet()) {
      if (!e.getKey().equals("data") && !e.getKey().equals("softmax_label")) {
        params += e.getValue().size();
      }
    }
    long aux = 0;
    for (Shape a : s.auxiliaryStates().values()) {
      aux += a.size();
    }
    return new long[] {params, aux};
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.symbol.zoo.ZooCases#canonical")
  void parameterCountsAreMxnets(Case c) {
    Symbol net = c.symbol();
    long[] n = counts(net, c.data(1));
    assertThat(n[0]).as("parameters of " + c).isEqualTo(c.params());
    assertThat(n[1]).as("auxiliary states of " + c).isEqualTo(c.aux());
    InferredShapes s = net.inferShape(Map.of("data", c.data(4)));
    assertThat(s.outputs()).containsExactly(Shape.of(4, c.classes()));
    assertThat(s.argument("softmax_label")).isEqualTo(Shape.of(4));
    assertThat(net.listOutputs()).containsExactly("softmax_output");
    assertThat(net.listArguments().get(0)).isEqualTo("data");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.symbol.zoo.ZooCases#canonical")
  void roundTripsThroughSymbolJson(Case c) throws FormatException {
    Symbol net = c.symbol();
    String json = net.toJson();
    Symbol back = Symbol.fromJson(json, c.name());
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(back.listArguments()).isEqualTo(net.listArguments());
    assertThat(back.listAuxiliaryStates()).isEqualTo(net.listAuxiliaryStates());
    assertThat(back.listOutputs()).isEqualTo(net.listOutputs());
    Map<String, Shape> data = Map.of("data", c.data(2));
    InferredShapes a = net.inferShape(data);
    InferredShapes b = back.inferShape(data);
    assertThat(b.arguments()).isEqualTo(a.arguments());
    assertThat(b.auxiliaryStates()).isEqualTo(a.auxiliaryStates());
    assertThat(b.outputs()).isEqualTo(a.outputs());
  }

  @Test
  void buildsAreDeterministicAndIndependent() {
    // each build is a fresh NameManager: the automatic names restart at 0
    assertThat(LeNet.get(10).toJson()).isEqualTo(LeNet.get(10).toJson());
    assertThat(Zoo.get("resnet18", 10, CIFAR32).toJson())
        .isEqualTo(Zoo.get("resnet18", 10, CIFAR32).toJson());
  }

  // ------------------------------------------------------------------ names

  @Test
  void lenetHasMxnetsAutomaticNames() {
    Symbol net = LeNet.get(10);
    assertThat(net.listArguments()).containsExactly("data", "convolution0_weight",
        "convolution0_bias", "convolution1_weight", "convolution1_bias",
        "fullyconnected0_weight", "fullyconnected0_bias", "fullyconnected1_weight",
        "fullyconnected1_bias", "softmax_label");
    assertThat(nodeNames(net)).containsExactly("convolution0", "activation0", "pooling0",
        "convolution1", "activation1", "pooling1", "flatten0", "fullyconnected0", "activation2",
        "fullyconnected1", "softmax");
  }

  @Test
  void mlpNames() {
    assertThat(Mlp.get(10).listArguments()).containsExactly("data", "fc1_weight", "fc1_bias",
        "fc2_weight", "fc2_bias", "fc3_weight", "fc3_bias", "softmax_label");
    assertThat(nodeNames(Mlp.get(10))).containsExactly("flatten0", "fc1", "relu1", "fc2",
        "relu2", "fc3", "softmax");
  }

  @Test
  void alexnetNamesMixExplicitAndAutomatic() {
    assertThat(nodeNames(AlexNet.get(1000))).containsExactly("conv1", "activation0", "lrn0",
        "pooling0", "conv2", "activation1", "lrn1", "pooling1", "conv3", "activation2", "conv4",
        "activation3", "conv5", "activation4", "pooling2", "flatten0", "fc1", "activation5",
        "dropout0", "fc2", "activation6", "dropout1", "fc3", "softmax");
  }

  @Test
  void vggNames() {
    Symbol net = Vgg.get(1000, 11, true);
    assertThat(net.listArguments()).startsWith("data", "conv1_1_weight", "conv1_1_bias",
        "bn1_1_gamma", "bn1_1_beta", "conv2_1_weight");
    assertThat(net.listArguments()).endsWith("fc8_weight", "fc8_bias", "softmax_label");
    assertThat(net.listAuxiliaryStates()).startsWith("bn1_1_moving_mean", "bn1_1_moving_var");
    assertThat(nodeNames(Vgg.get(10, 16, false))).contains("conv5_3", "relu5_3", "pool5",
        "flatten", "fc6", "relu6", "drop6", "fc7", "relu7", "drop7", "fc8")
        .doesNotContain("bn1_1");
    assertThatThrownBy(() -> Vgg.get(10, 12, false))
        .hasMessageContaining("Possible choices are 11,13,16,19");
  }

  @Test
  void resnetV2Names() {
    Symbol net = ResNet.get(1000, 50, IMAGENET);
    List<String> nodes = nodeNames(net);
    assertThat(nodes).startsWith("id", "bn_data", "conv0", "bn0", "relu0", "pooling0",
        "stage1_unit1_bn1", "stage1_unit1_relu1", "stage1_unit1_conv1");
    assertThat(nodes).contains("stage1_unit1_sc", "_plus0", "stage4_unit3_conv3", "_plus15")
        .doesNotContain("_plus16");
    assertThat(nodes).endsWith("bn1", "relu1", "pool1", "flatten0", "fc1", "softmax");
    // the shortcut projection comes after the residual branch, as Python's conv3 + shortcut
    List<String> args = net.listArguments();
    assertThat(args.indexOf("stage1_unit1_sc_weight"))
        .isEqualTo(args.indexOf("stage1_unit1_conv3_weight") + 1);
    assertThat(net.listAuxiliaryStates()).startsWith("bn_data_moving_mean",
        "bn_data_moving_var", "bn0_moving_mean");
    // the CIFAR stem: no bn0, relu0 or pooling
    assertThat(nodeNames(ResNet.get(10, 20, CIFAR28))).startsWith("id", "bn_data", "conv0",
        "stage1_unit1_bn1").doesNotContain("bn0", "pooling0", "stage4_unit1_bn1");
  }

  @Test
  void resnetV1Names() {
    Symbol net = ResNetV1.get(1000, 18, IMAGENET);
    List<String> nodes = nodeNames(net);
    assertThat(nodes).startsWith("id", "conv0", "bn0", "relu0", "pooling0",
        "stage1_unit1_conv1", "stage1_unit1_bn1", "stage1_unit1_relu1", "stage1_unit1_conv2",
        "stage1_unit1_bn2", "stage1_unit1_conv1sc", "stage1_unit1_sc", "_plus0",
        "stage1_unit1_relu3");
    assertThat(nodes).endsWith("stage4_unit2_relu3", "pool1", "flatten0", "fc1", "softmax");
    assertThat(nodeNames(ResNetV1.get(10, 18, CIFAR32))).startsWith("id", "conv0", "bn0",
        "stage1_unit1_conv1").doesNotContain("relu0", "pooling0");
  }

  @Test
  void mobilenetNames() {
    Symbol net = MobileNet.get(1000, 1.0, 224);
    assertThat(net.listArguments()).startsWith("data", "conv_1_conv2d_weight",
        "conv_1_batchnorm_gamma", "conv_1_batchnorm_beta", "conv_2_dw_conv2d_weight");
    assertThat(net.listArguments()).endsWith("conv_14_batchnorm_beta", "fc_weight", "fc_bias",
        "softmax_label");
    assertThat(nodeNames(net)).endsWith("conv_14_relu", "global_pool", "flatten", "fc",
        "softmax");
    InferredShapes s = net.inferShape(Map.of("data", Shape.of(1, 3, 224, 224)));
    assertThat(s.argument("conv_14_dw_conv2d_weight")).isEqualTo(Shape.of(1024, 1, 3, 3));
    assertThat(s.argument("conv_2_conv2d_weight")).isEqualTo(Shape.of(64, 32, 1, 1));
    assertThatThrownBy(() -> MobileNet.get(10, 0.3, 224)).hasMessageContaining("alpha");
    assertThatThrownBy(() -> MobileNet.get(10, 1.0, 100)).hasMessageContaining("multpile of 32");
  }

  @Test
  void inceptionBnNames() {
    Symbol net = InceptionBn.get(1000, IMAGENET);
    List<String> nodes = nodeNames(net);
    assertThat(nodes).startsWith("conv_1", "bn_1", "relu_1", "pool_1", "conv_2_red");
    assertThat(nodes).contains("conv_3a_1x1", "conv_3a_3x3_reduce", "conv_3a_double_3x3_1",
        "avg_pool_3a_pool", "conv_3a_proj", "ch_concat_3a_chconcat", "max_pool_3c_pool",
        "max_pool_5b_pool", "ch_concat_5b_chconcat");
    assertThat(nodes).endsWith("global_pool", "flatten0", "fullyconnected0", "softmax");
    assertThat(nodeNames(InceptionBn.get(10, CIFAR28))).contains("conv_1", "conv_in3a_1x1",
        "in3a_ch_concat", "conv_in3c_conv", "in3c_pool", "in4e_ch_concat", "conv_in5b_3x3");
  }

  // ------------------------------------------------------------------ Zoo.get

  @Test
  void resnetDepthRulesAreMxnets() {
    assertThat(ResNetConfig.of(20, CIFAR28)).isEqualTo(
        new ResNetConfig(new int[] {3, 3, 3}, new int[] {16, 16, 32, 64}, false));
    assertThat(ResNetConfig.of(164, CIFAR28)).isEqualTo(
        new ResNetConfig(new int[] {18, 18, 18}, new int[] {16, 64, 128, 256}, true));
    assertThat(ResNetConfig.of(50, IMAGENET)).isEqualTo(new ResNetConfig(
        new int[] {3, 4, 6, 3}, new int[] {64, 256, 512, 1024, 2048}, true));
    // a 32x32 image takes the ImageNet depths (height > 28) with the 3x3 stem (height <= 32)
    assertThat(ResNetConfig.of(18, CIFAR32).units()).containsExactly(2, 2, 2, 2);
    assertThatThrownBy(() -> Zoo.get("resnet20", 10, CIFAR32))
        .hasMessageContaining("no experiments done on num_layers 20");
    assertThatThrownBy(() -> Zoo.get("resnet18", 10, CIFAR28))
        .hasMessageContaining("no experiments done on num_layers 18");
    assertThatThrownBy(() -> Zoo.get("resnet166", 10, CIFAR28))
        .hasMessageContaining("no experiments done");
  }

  @Test
  void zooNames() {
    for (String n : Zoo.names()) {
      assertThat(Zoo.get(n, 7, IMAGENET).listOutputs()).as(n)
          .containsExactly("softmax_output");
    }
    assertThat(Zoo.get("VGG-16", 10, IMAGENET).toJson())
        .isEqualTo(Vgg.get(10, 16, false).toJson());
    assertThat(Zoo.get("resnet-18", 10, IMAGENET).toJson())
        .isEqualTo(ResNet.get(10, 18, IMAGENET).toJson());
    assertThat(Zoo.get("mobilenet_0.5", 10, Shape.of(3, 64, 64)).toJson())
        .isEqualTo(MobileNet.get(10, 0.5, 64).toJson());
    assertThatThrownBy(() -> Zoo.get("googlenet", 10, IMAGENET))
        .hasMessageContaining("unknown network 'googlenet'").hasMessageContaining("lenet");
    assertThatThrownBy(() -> Zoo.get("lenet", 10, Shape.of(28, 28)))
        .hasMessageContaining("(channels, height, width)");
  }

  // ------------------------------------------------------------------ execution

  /** A network and a small input to train one step on. */
  record Run(String label, Symbol net, Shape data, int classes) {
    @Override
    public String toString() {
      return label + " " + data;
    }
  }

  /** Small inputs (and small custom ResNets for the bottleneck and ImageNet-stem paths). */
  static Stream<Run> small() {
    List<Run> r = new ArrayList<>(List.of(
        new Run("mlp", Mlp.get(10), Shape.of(2, 1, 28, 28), 10),
        new Run("lenet", LeNet.get(10), Shape.of(2, 1, 28, 28), 10),
        new Run("vgg11_bn", Vgg.get(10, 11, true), Shape.of(2, 3, 32, 32), 10),
        new Run("vgg16", Vgg.get(10, 16, false), Shape.of(1, 3, 32, 32), 10),
        new Run("resnet20", ResNet.get(10, 20, CIFAR28), Shape.of(2, 3, 28, 28), 10),
        new Run("resnet20_v1", ResNetV1.get(10, 20, CIFAR28), Shape.of(2, 3, 28, 28), 10),
        new Run("resnet18", ResNet.get(10, 18, CIFAR32), Shape.of(2, 3, 32, 32), 10),
        new Run("resnet v2 bottleneck, imagenet stem",
            ResNet.resnet(new ResNetConfig(new int[] {1, 1}, new int[] {16, 32, 64}, true), 5,
                Shape.of(3, 48, 48)), Shape.of(2, 3, 48, 48), 5),
        new Run("resnet v1 bottleneck, imagenet stem",
            ResNetV1.resnet(new ResNetConfig(new int[] {1, 1}, new int[] {16, 32, 64}, true), 5,
                Shape.of(3, 48, 48)), Shape.of(2, 3, 48, 48), 5),
        new Run("mobilenet0.25", MobileNet.get(10, 0.25, 32), Shape.of(2, 3, 32, 32), 10)));
    r.add(new Run("inception-bn", InceptionBn.get(10, CIFAR28), Shape.of(2, 3, 28, 28), 10));
    return r.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("small")
  void trainsOneStep(Run run) {
    SplittableRandom rnd = new SplittableRandom(run.label().hashCode());
    Symbol net = run.net();
    try (Executor exec = net.simpleBind(Map.of("data", run.data()), GradReq.WRITE)) {
      randomize(exec, rnd);
      int batch = run.data().get(0);
      float[] labels = new float[batch];
      for (int i = 0; i < batch; i++) {
        labels[i] = rnd.nextInt(run.classes());
      }
      exec.argDict().get("softmax_label").set(labels);
      Map<String, float[]> auxBefore = new LinkedHashMap<>();
      exec.auxDict().forEach((k, v) -> auxBefore.put(k, v.toFloatArray()));

      exec.forward(true);
      exec.backward();

      float[] p = exec.outputs().get(0).toFloatArray();
      assertThat(exec.outputs().get(0).shape()).isEqualTo(Shape.of(batch, run.classes()));
      for (int i = 0; i < batch; i++) {
        double sum = 0;
        for (int k = 0; k < run.classes(); k++) {
          float v = p[i * run.classes() + k];
          assertThat(v).as("probability").isBetween(0f, 1f);
          sum += v;
        }
        assertThat(sum).as("row %d of %s", i, run).isBetween(1 - 1e-4, 1 + 1e-4);
      }
      // every learned parameter gets a finite gradient, and all but fixed gammas a non-zero one
      for (Map.Entry<String, NDArray> g : exec.gradDict().entrySet()) {
        String name = g.getKey();
        if (name.equals("data") || name.equals("softmax_label")) {
          continue;
        }
        float[] v = g.getValue().toFloatArray();
        double max = 0;
        for (float x : v) {
          assertThat(Float.isFinite(x)).as("gradient of %s finite", name).isTrue();
          max = Math.max(max, Math.abs(x));
        }
        if (!fixedGamma(net, name)) {
          assertThat(max).as("largest |gradient| of %s in %s", name, run).isGreaterThan(0);
        }
      }
      // training updates BatchNorm's moving statistics
      exec.auxDict().forEach((k, v) -> assertThat(v.toFloatArray()).as(k)
          .isNotEqualTo(auxBefore.get(k)));
    }
  }

  @Test
  void alexnetRunsAt224() {
    predictsAt224(AlexNet.get(1000));
  }

  @Test
  void vgg16RunsAt224() {
    predictsAt224(Vgg.get(1000, 16, false));
  }

  @Test
  void fixedGammaIsSeenInTheJson() {
    Symbol net = ResNet.get(10, 20, CIFAR28);
    assertThat(fixedGamma(net, "bn_data_gamma")).isTrue();
    assertThat(fixedGamma(net, "stage1_unit1_bn1_gamma")).isFalse();
  }

  private static void predictsAt224(Symbol net) {
    try (Executor exec = net.simpleBind(Map.of("data", Shape.of(1, 3, 224, 224)),
        GradReq.NULL)) {
      randomize(exec, new SplittableRandom(7));
      exec.forward(false);
      float[] p = exec.outputs().get(0).toFloatArray();
      double sum = 0;
      for (float v : p) {
        sum += v;
      }
      assertThat(p).hasSize(1000);
      assertThat(sum).isBetween(1 - 1e-4, 1 + 1e-4);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Operator node names in topological (JSON) order. */
  static List<String> nodeNames(Symbol net) {
    List<String> out = new ArrayList<>();
    List<String> args = net.listArguments();
    List<String> aux = net.listAuxiliaryStates();
    for (String o : net.internals().listOutputs()) {
      if (!o.endsWith("_output")) {
        continue; // a variable
      }
      String n = o.substring(0, o.length() - "_output".length());
      if (!args.contains(n) && !aux.contains(n) && !out.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }

  /** Whether {@code arg} is the gamma of a BatchNorm with fix_gamma (its gradient is 0). */
  private static boolean fixedGamma(Symbol net, String arg) {
    if (!arg.endsWith("_gamma")) {
      return false;
    }
    String node = arg.substring(0, arg.length() - "_gamma".length());
    String json = net.toJson();
    int at = json.indexOf("\"name\": \"" + node + "\"");
    int end = json.indexOf("\"inputs\"", at);
    return !json.substring(at, end).contains("\"fix_gamma\": \"False\"");
  }

  /**
   * Scaled random parameters (He-style uniform weights, so that deep networks keep activations
   * of order one), BatchNorm gammas near 1, positive moving variances, uniform data.
   */
  static void randomize(Executor exec, SplittableRandom rnd) {
    exec.argDict().forEach((name, a) -> {
      if (!name.equals("softmax_label")) {
        a.set(ZooCases.initial(name, a.shape(), rnd));
      }
    });
    exec.auxDict().forEach((name, a) -> a.set(ZooCases.initial(name, a.shape(), rnd)));
  }
}
