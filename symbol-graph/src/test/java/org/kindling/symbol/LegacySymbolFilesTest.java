package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.tensor.Shape;

/**
 * The symbol files of MXNet 0.8, 0.9 and Gluon 1.6 in {@code legacy/} (see the README there):
 * what Kindling reads from them after MXNet's upgrade passes (formats.md §4.2). {@code
 * LegacySymbolJsonMatchesMxnetIT} checks the same files against MXNet 1.9.1 itself.
 */
class LegacySymbolFilesTest {
  private static Symbol load(String name) throws Exception {
    return Symbol.load(Fixtures.resourcePath("legacy/" + name));
  }

  /** The {@code attrs} of the node named {@code name} in the saved text, as one string. */
  private static String attrsOf(String json, String name) {
    int at = json.indexOf("\"name\": \"" + name + "\"");
    assertThat(at).as("node " + name).isPositive();
    int end = json.indexOf("\"inputs\"", at);
    return json.substring(at, end);
  }

  @Test
  void mxnet08TestFileGetsHiddenKeysAndAuxiliaryStates() throws Exception {
    Symbol s = load("save_000800-symbol.json");

    assertThat(s.listArguments()).containsExactly("data", "fc1_weight", "fc1_bias",
        "fc2_weight", "fc2_bias", "fc3_weight", "fc3_bias", "batchnorm0_gamma",
        "batchnorm0_beta", "softmax_label");
    assertThat(s.listAuxiliaryStates())
        .containsExactly("batchnorm0_moving_mean", "batchnorm0_moving_var");
    assertThat(s.listOutputs()).containsExactly("softmax_output");
    String json = s.toJson();
    assertThat(attrsOf(json, "data"))
        .contains("\"__ctx_group__\": \"stage1\"", "\"__lr_mult__\": \"0.2\"");
    // fc1's weight_lr_mult moves to its weight; the variables' own copies are not hidden keys
    assertThat(attrsOf(json, "fc1_weight")).contains("\"__lr_mult__\": \"1.2\"",
        "\"__wd_mult__\": \"0.3\"", "\"weight_lr_mult\": \"1.2\"");
    assertThat(attrsOf(json, "fc1_bias")).doesNotContain("__lr_mult__");
    assertThat(attrsOf(json, "fc1")).doesNotContain("lr_mult");
    // created by the 0.9.0 pass with BatchNorm's attributes, then given 0.9.4's initializer
    assertThat(attrsOf(json, "batchnorm0_moving_var")).contains(
        "\"__ctx_group__\": \"stage2\"", "\"__init__\": \"[\\\"one\\\", {}]\"",
        "\"fix_gamma\": \"True\"");
    InferredShapes shapes = s.inferShape(Map.of("data", Shape.of(2, 20)));
    assertThat(shapes.argument("fc2_weight")).isEqualTo(Shape.of(64, 128));
    assertThat(shapes.auxiliaryStates().get("batchnorm0_moving_mean")).isEqualTo(Shape.of(10));
    assertThat(shapes.outputs()).containsExactly(Shape.of(2, 10));
  }

  @Test
  void lenet08MovesArgumentKeysToTheWeights() throws Exception {
    Symbol s = load("lenet-0.8-symbol.json");

    assertThat(s.listAuxiliaryStates()).containsExactly("bn1_moving_mean", "bn1_moving_var");
    String json = s.toJson();
    assertThat(attrsOf(json, "conv1_weight")).contains("\"__lr_mult__\": \"2\"");
    assertThat(attrsOf(json, "conv1_bias")).contains("\"__wd_mult__\": \"0\"");
    assertThat(attrsOf(json, "conv1")).doesNotContain("mult");
    assertThat(attrsOf(json, "fc1_weight"))
        .contains("\"__lr_mult__\": \"0.5\"", "\"__wd_mult__\": \"0.0001\"");
    assertThat(attrsOf(json, "fc2")).contains("\"__ctx_group__\": \"dev2\"");
    assertThat(attrsOf(json, "bn1_moving_mean")).contains("\"__init__\": \"[\\\"zero\\\", {}]\"");
    InferredShapes shapes = s.inferShape(Map.of("data", Shape.of(2, 1, 28, 28)));
    assertThat(shapes.argument("conv2_weight")).isEqualTo(Shape.of(50, 20, 5, 5));
    assertThat(shapes.argument("fc1_weight")).isEqualTo(Shape.of(500, 800));
    assertThat(shapes.outputs()).containsExactly(Shape.of(2, 10));
  }

  @Test
  void inception09GetsInitializersAndLosesTheOldArgmaxAxis() throws Exception {
    Symbol s = load("inception-0.9-symbol.json");

    assertThat(s.listOutputs()).containsExactly("softmax_output", "argmax_output");
    assertThat(s.internals().listOutputs())
        .contains("slice_output0", "slice_output1", "plus_output", "bn0_output");
    String json = s.toJson();
    assertThat(attrsOf(json, "bn0_moving_mean")).contains("\"__init__\": \"[\\\"zero\\\", {}]\"");
    assertThat(attrsOf(json, "prelu0_gamma"))
        .contains("\"__init__\": \"[\\\"Constant\\\", {\\\"value\\\": 0.25}]\"");
    assertThat(attrsOf(json, "bn0_gamma")).contains("\"__lr_mult__\": \"0.1\"")
        .doesNotContain("__init__");
    assertThat(attrsOf(json, "conv0")).contains("\"__ctx_group__\": \"dev1\"");
    assertThat(attrsOf(json, "argmax")).doesNotContain("axis");
    assertThat(json).contains("\"op\": \"elemwise_add\"", "[5, 0, 1], [6, 0, 1]");
    InferredShapes shapes = s.inferShape(Map.of("data", Shape.of(2, 3, 8, 8)));
    assertThat(shapes.argument("fc_weight")).isEqualTo(Shape.of(10, 8));
    // argmax without an axis reduces everything
    assertThat(shapes.outputs()).containsExactly(Shape.of(2, 10), Shape.of(1));
  }

  @Test
  void gluonExportKeepsItsAttributesAndGetsItsRowPointersRecomputed() throws Exception {
    Symbol s = load("gluon-1.6-symbol.json");
    String p = "hybridsequential0_";

    assertThat(s.listOutputs()).containsExactly(p + "dense1_fwd_output");
    assertThat(s.listAuxiliaryStates())
        .containsExactly(p + "batchnorm0_running_mean", p + "batchnorm0_running_var");
    String json = s.toJson();
    assertThat(attrsOf(json, p + "dense0_weight")).contains("\"__shape__\": \"(32, 0)\"",
        "\"__dtype__\": \"0\"", "\"__storage_type__\": \"0\"");
    assertThat(json).contains("\"mxnet_version\": [\"int\", 10900]",
        "[[2, 0, 0], [3, 0, 0], [4, 0, 0], [5, 0, 1], [6, 0, 1]]");
    // the file counts two outputs for max pooling (an MKL build); Kindling counts one
    assertThat(json).contains("\"node_row_ptr\": [\n    0, \n    1, \n    2, \n    3, \n"
        + "    4, \n    5, \n    6, \n    7, \n    10, \n    11, \n    12, \n    14, \n");
    Symbol pool = s.internals().get(p + "pool0_fwd_output");
    assertThat(pool.inferShape(Map.of("data", Shape.of(2, 3, 16, 16))).outputs())
        .containsExactly(Shape.of(2, 8, 8, 8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"save_000800-symbol.json", "lenet-0.8-symbol.json",
      "inception-0.9-symbol.json", "gluon-1.6-symbol.json"})
  void savedTextReadsBackToItselfAndEveryInternalOutputIsReachable(String name,
      @TempDir Path dir) throws Exception {
    Symbol s = load(name);
    Path saved = dir.resolve(name);
    s.save(saved);

    assertThat(Symbol.load(saved).toJson()).isEqualTo(Files.readString(saved));
    Symbol internals = s.internals();
    List<String> names = internals.listOutputs();
    assertThat(names).doesNotHaveDuplicates();
    for (String n : names) {
      assertThat(internals.get(n).listOutputs()).containsExactly(n);
    }
  }
}
