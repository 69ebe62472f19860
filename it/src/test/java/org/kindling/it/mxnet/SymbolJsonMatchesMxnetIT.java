package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.tensor.op.nn.LeakyReLU;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.Shape;

/**
 * Kindling's symbol JSON against MXNet's (formats.md §4): an MLP built with Kindling's {@link
 * Symbol} API loads in MXNet, which lists the same arguments, outputs and auxiliary states,
 * infers the same shapes and saves it back to exactly Kindling's text; the same MLP composed
 * through MXNet's own C API (as its Python front-end does) is exactly Kindling's text too, and so
 * is a composed BatchNorm and prelu. {@link LegacySymbolJsonMatchesMxnetIT} reads older files.
 */
class SymbolJsonMatchesMxnetIT {
  private static final int[] DATA_SHAPE = {32, 1, 28, 28};

  /** Every MXNet handle a test made, freed after it. */
  private final List<MxSymbol> handles = new ArrayList<>();

  @AfterEach
  void free() {
    handles.forEach(MxSymbol::close);
  }

  /**
   * data (N,1,28,28) -> Flatten -> FC 128 -> relu -> FC 64 -> tanh -> Reshape (0, 8, -1) -> FC
   * 10 on the last axis (flatten=False) -> Flatten -> FC 10 without bias -> SoftmaxOutput.
   */
  static Symbol kindlingMlp() {
    Symbol data = Symbol.variable("data");
    Symbol flat0 = Symbol.flatten("flatten0", data);
    Symbol fc1 = Symbol.fullyConnected("fc1", flat0, 128);
    Symbol relu1 = Symbol.activation("relu1", fc1, ActType.RELU);
    Symbol fc2 = Symbol.fullyConnected("fc2", relu1, 64);
    Symbol tanh2 = Symbol.activation("tanh2", fc2, ActType.TANH);
    Symbol reshape = Symbol.reshape("reshape0", tanh2, 0, 8, -1);
    Symbol fc3 = Symbol.fullyConnected("fc3", reshape,
        FullyConnected.Params.of(10).withFlatten(false));
    Symbol flat1 = Symbol.flatten("flatten1", fc3);
    Symbol fc4 = Symbol.fullyConnected("fc4", flat1,
        FullyConnected.Params.of(10).withNoBias(true));
    return Symbol.softmaxOutput("softmax", fc4);
  }

  /** The same network through MXNet's C API, with parameters as Python's {@code str()}. */
  private MxSymbol mxnetMlp() {
    MxSymbol data = keep(MxSymbol.variable("data"));
    MxSymbol flat0 = op("Flatten", "flatten0", Map.of(), data);
    MxSymbol fc1 = op("FullyConnected", "fc1", Map.of("num_hidden", "128"), flat0);
    MxSymbol relu1 = op("Activation", "relu1", Map.of("act_type", "relu"), fc1);
    MxSymbol fc2 = op("FullyConnected", "fc2", Map.of("num_hidden", "64"), relu1);
    MxSymbol tanh2 = op("Activation", "tanh2", Map.of("act_type", "tanh"), fc2);
    MxSymbol reshape = op("Reshape", "reshape0", Map.of("shape", "(0, 8, -1)"), tanh2);
    MxSymbol fc3 = op("FullyConnected", "fc3", ordered("num_hidden", "10", "flatten", "False"),
        reshape);
    MxSymbol flat1 = op("Flatten", "flatten1", Map.of(), fc3);
    MxSymbol fc4 = op("FullyConnected", "fc4", ordered("num_hidden", "10", "no_bias", "True"),
        flat1);
    return op("SoftmaxOutput", "softmax", Map.of(), fc4);
  }

  @Test
  void mxnetSavesKindlingsJsonBackToTheSameText() {
    String json = kindlingMlp().toJson();

    MxSymbol loaded = keep(MxSymbol.fromJson(json));

    assertThat(loaded.toJson()).isEqualTo(json);
  }

  @Test
  void mxnetComposesExactlyKindlingsJson() {
    assertThat(mxnetMlp().toJson()).isEqualTo(kindlingMlp().toJson());
  }

  @Test
  void mxnetComposesBatchNormAndPreluAsKindlingDoes() {
    // the auxiliary states read as version 1; initializer hints on the created variables
    Symbol bn = Symbol.create(BatchNorm.OP, "bn", BatchNorm.OP.defaults().withFixGamma(false),
        Map.of("data", Symbol.variable("data")));
    Symbol kindling = Symbol.create(LeakyReLU.OP, "pr",
        LeakyReLU.Params.of(LeakyReLU.ActType.PRELU), Map.of("data", bn));

    MxSymbol mxBn = op("BatchNorm", "bn", Map.of("fix_gamma", "False"),
        keep(MxSymbol.variable("data")));
    MxSymbol mxnet = op("LeakyReLU", "pr", Map.of("act_type", "prelu"), mxBn);

    assertThat(kindling.toJson()).isEqualTo(mxnet.toJson());
    assertThat(kindling.listAuxiliaryStates()).isEqualTo(mxnet.listAuxiliaryStates());
  }

  @Test
  void kindlingReadsMxnetsJsonBackToTheSameText() throws FormatException {
    String mxJson = mxnetMlp().toJson();

    Symbol read = Symbol.fromJson(mxJson, "MXNet-composed MLP");

    assertThat(read.toJson()).isEqualTo(mxJson);
    assertThat(read.listArguments()).isEqualTo(kindlingMlp().listArguments());
  }

  @Test
  void mxnetListsTheSameArgumentsOutputsAndAuxiliaryStates() {
    Symbol net = kindlingMlp();
    MxSymbol mx = keep(MxSymbol.fromJson(net.toJson()));

    assertThat(net.listArguments()).containsExactly("data", "fc1_weight", "fc1_bias",
        "fc2_weight", "fc2_bias", "fc3_weight", "fc3_bias", "fc4_weight", "softmax_label");
    assertThat(mx.listArguments()).isEqualTo(net.listArguments());
    assertThat(mx.listOutputs()).isEqualTo(net.listOutputs());
    assertThat(mx.listAuxiliaryStates()).isEqualTo(net.listAuxiliaryStates());
  }

  @Test
  void mxnetInfersTheSameShapes() {
    Symbol net = kindlingMlp();
    InferredShapes k = net.inferShape(Map.of("data", Shape.of(DATA_SHAPE)));
    MxSymbol mx = keep(MxSymbol.fromJson(net.toJson()));

    MxSymbol.Shapes m = mx.inferShape(Map.of("data", DATA_SHAPE));

    assertThat(m.complete()).isTrue();
    assertThat(dims(m.arguments())).isEqualTo(dims(List.copyOf(k.arguments().values())));
    assertThat(dims(m.outputs())).isEqualTo(dims(k.outputs()));
    assertThat(dims(m.auxiliaryStates())).isEqualTo(dims(List.copyOf(
        k.auxiliaryStates().values())));
    assertThat(k.argument("fc3_weight")).isEqualTo(Shape.of(10, 8));
    assertThat(k.outputs()).containsExactly(Shape.of(32, 10));
  }

  @Test
  void reshapeSpecialValuesGiveMxnetsShapesAndAttributes() {
    int[][][] cases = {
        {{2, 3, 4}, {0, -1}},
        {{2, 3, 4}, {-1}},
        {{2, 3, 4}, {-2}},
        {{2, 3, 4}, {4, 0, -1}},
        {{2, 3, 4}, {0, 0, -1}},
        {{2, 3, 4}, {-3, 4}},
        {{2, 3, 4, 5}, {-3, -2}},
        {{2, 3, 4}, {0, -4, 1, -1, 4}},
        {{2, 3, 4}, {-4, -1, 2, -2}},
        {{6}, {2, -1}},
        {{3, 1, 4}, {-3, 2, 2}},
    };
    for (int[][] c : cases) {
      Symbol r = Symbol.reshape("r", Symbol.variable("data"), c[1]);
      Shape kindling = r.inferShape(Map.of("data", Shape.of(c[0]))).outputs().get(0);
      MxSymbol viaJson = keep(MxSymbol.fromJson(r.toJson()));
      MxSymbol composed = op("Reshape", "r", Map.of("shape", Shape.tupleString(c[1])),
          keep(MxSymbol.variable("data")));

      String what = "Reshape" + Shape.tupleString(c[1]) + " of " + Shape.tupleString(c[0]);
      assertThat(kindling.dims()).as(what).containsExactly(
          viaJson.inferShape(Map.of("data", c[0])).outputs().get(0));
      assertThat(r.toJson()).as(what).isEqualTo(composed.toJson());
    }
  }

  // ------------------------------------------------------------------------------ helpers

  private MxSymbol keep(MxSymbol s) {
    handles.add(s);
    return s;
  }

  private MxSymbol op(String opName, String name, Map<String, String> params, MxSymbol data) {
    return keep(MxSymbol.op(opName, name, params, Map.of("data", data)));
  }

  private static Map<String, String> ordered(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static List<List<Integer>> dims(List<?> shapes) {
    List<List<Integer>> out = new ArrayList<>();
    for (Object s : shapes) {
      int[] d = s instanceof Shape sh ? sh.dims() : (int[]) s;
      List<Integer> l = new ArrayList<>();
      for (int x : d) {
        l.add(x);
      }
      out.add(l);
    }
    return out;
  }
}
