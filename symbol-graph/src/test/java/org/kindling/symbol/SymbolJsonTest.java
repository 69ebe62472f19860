package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.BatchNorm;
import org.kindling.tensor.op.nn.LeakyReLU;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.Shape;
import org.kindling.testing.Gen;
import org.kindling.testing.SeededProperty;

class SymbolJsonTest {
  static Symbol smallMlp() {
    Symbol data = Symbol.variable("data");
    Symbol fc1 = Symbol.fullyConnected("fc1", data, 4);
    Symbol relu = Symbol.activation("relu1", fc1, ActType.RELU);
    return Symbol.softmaxOutput("softmax", relu);
  }

  @Test
  void writesExactlyWhatMxnetWritesForASmallMlp() throws Exception {
    assertThat(smallMlp().toJson()).isEqualTo(Fixtures.resource("mlp-symbol.json"));
  }

  @Test
  void rewritesTheLegacyFixtureInMxnet191Layout() throws Exception {
    String legacy = Files.readString(Fixtures.mxnet("go_test-symbol.json"));
    Symbol s = Symbol.load(Fixtures.mxnet("go_test-symbol.json"));
    // MXNet 1.9.1 re-saves a 0.9.4 file with "attrs" instead of "attr" and its own version;
    // everything else, including the dmlc layout, is unchanged.
    String expected = legacy.replace("\"attr\": ", "\"attrs\": ")
        .replace("[\"int\", 904]", "[\"int\", 10900]");
    assertThat(s.toJson()).isEqualTo(expected);
  }

  @Test
  void saveLoadSaveIsIdentical(@TempDir Path dir) throws Exception {
    Symbol s = Symbol.softmaxOutput("out", Symbol.fullyConnected("fc2",
        Symbol.activation("act", Symbol.fullyConnected("fc1", Symbol.variable("data"),
            FullyConnected.Params.of(16).withNoBias(true)), ActType.TANH), 3));
    Path a = dir.resolve("a-symbol.json");
    Path b = dir.resolve("b-symbol.json");
    s.save(a);
    Symbol.load(a).save(b);
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a)).isEqualTo(s.toJson());
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temp files left").hasSize(2);
    }
  }

  @Test
  void multiKeyAttributesAndLongArraysUseMultiLineLayout() {
    Symbol s = Symbol.fullyConnected("fc", Symbol.variable("x"),
        FullyConnected.Params.of(2).withNoBias(true));
    for (int i = 0; i < 4; i++) {
      s = Symbol.activation("a" + i, s, ActType.RELU);
    }
    for (int i = 0; i < 5; i++) {
      s = Symbol.fullyConnected("g" + i, s, FullyConnected.Params.of(2).withNoBias(true));
    }
    String json = s.toJson();
    assertThat(json).contains(
        "      \"attrs\": {\n        \"no_bias\": \"True\", \n        \"num_hidden\": \"2\"\n"
            + "      }, \n");
    assertThat(json).contains("\"node_row_ptr\": [\n    0, \n    1, \n    2, ");
    assertThat(json).contains("\"arg_nodes\": [0, 1, 7, 9, 11, 13, 15], ");
  }

  @Test
  void moreThanTenHeadsAreWrittenOnePerLine() throws Exception {
    Symbol[] outs = new Symbol[11];
    for (int i = 0; i < outs.length; i++) {
      outs[i] = Symbol.variable("v" + i);
    }
    String json = Symbol.group(outs).toJson();
    assertThat(json).contains("\"heads\": [\n    [0, 0, 0], \n    [1, 0, 0], ");
    assertThat(Symbol.fromJson(json, "t").toJson()).isEqualTo(json);
  }

  /** Layer widths (any ints, folded into 1..50) and an activation index. */
  record Mlp(int[] widths, int act) {}

  @Test
  void randomMlpsRoundTrip() {
    SeededProperty.check(30,
        r -> new Mlp(Gen.anyInts(r, 1, 5), r.nextInt(0, ActType.values().length)),
        m -> randomMlpRoundTrips(m.widths(), m.act()));
  }

  private static void randomMlpRoundTrips(int[] widths, int act) throws Exception {
    Symbol s = Symbol.variable("data");
    for (int i = 0; i < widths.length; i++) {
      s = Symbol.fullyConnected("fc" + i, s, 1 + Math.floorMod(widths[i], 50));
      s = Symbol.activation("act" + i, s, ActType.values()[act]);
    }
    s = Symbol.softmaxOutput("softmax", s);
    String json = s.toJson();
    Symbol back = Symbol.fromJson(json, "generated");
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(back.listArguments()).isEqualTo(s.listArguments());
  }

  @Test
  void aliasesLoadAsCanonicalOperators() throws Exception {
    String json = """
        {"nodes": [
          {"op": "null", "name": "a", "inputs": []},
          {"op": "null", "name": "b", "inputs": []},
          {"op": "_Plus", "name": "sum", "inputs": [[0, 0], [1, 0]]},
          {"op": "flatten", "name": "flat", "inputs": [[2, 0, 0]]},
          {"op": "null", "name": "sm_label", "inputs": []},
          {"op": "Softmax", "name": "sm", "inputs": [[3, 0, 0], [4, 0]]}
        ], "arg_nodes": [0, 1, 4], "heads": [[5, 0, 0]],
        "attrs": {"mxnet_version": ["int", 10900]}}""";
    Symbol s = Symbol.fromJson(json, "aliases.json");
    assertThat(s.listArguments()).containsExactly("a", "b", "sm_label");
    String out = s.toJson();
    assertThat(out).contains("\"op\": \"elemwise_add\"", "\"op\": \"Flatten\"",
        "\"op\": \"SoftmaxOutput\"");
    assertThat(s.inferShape(Map.of("a", Shape.of(2, 3))).outputs())
        .containsExactly(Shape.of(2, 3));
  }

  @Test
  void legacyParamKeyAndHiddenKeysAreUpgraded() throws Exception {
    String json = """
        {"nodes": [
          {"op": "null", "name": "data", "inputs": []},
          {"op": "null", "name": "w", "attr": {"lr_mult": "0.5", "ctx_group": "dev1"},
           "inputs": []},
          {"op": "null", "name": "b", "inputs": []},
          {"op": "FullyConnected", "name": "fc", "param": {"num_hidden": "3"},
           "attr": {"bias_wd_mult": "0", "__mirror_stage__": "1"},
           "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]], "backward_source_id": -1}
        ], "arg_nodes": [0, 1, 2], "heads": [[3, 0, 0]],
        "attrs": {"mxnet_version": ["int", 905]}}""";
    String out = Symbol.fromJson(json, "legacy.json").toJson();
    assertThat(out).contains("\"name\": \"w\", \n      \"attrs\": {\n"
        + "        \"__ctx_group__\": \"dev1\", \n        \"__lr_mult__\": \"0.5\"\n      }");
    assertThat(out).contains("\"name\": \"b\", \n      \"attrs\": {\"__wd_mult__\": \"0\"}");
    assertThat(out).contains("\"name\": \"fc\", \n      \"attrs\": {\n"
        + "        \"__mirror_stage__\": \"1\", \n        \"num_hidden\": \"3\"\n      }");
  }

  @Test
  void legacyArgumentKeysThatCannotBeMovedAreUnknownParameters() {
    String json = """
        {"nodes": [
          {"op": "null", "name": "data", "inputs": []},
          {"op": "FullyConnected", "name": "fc", "attr": {"num_hidden": "3",
           "weight_lr_mult": "2"}, "inputs": [[0, 0], [0, 0], [0, 0]]},
          {"op": "null", "name": "sm_label", "inputs": []},
          {"op": "SoftmaxOutput", "name": "sm", "attr": {"data_lr_mult": "2"},
           "inputs": [[1, 0], [2, 0]]}
        ], "arg_nodes": [0, 2], "heads": [[3, 0]],
        "attrs": {"mxnet_version": ["int", 904]}}""";
    // fc's key moves to the variable feeding its weight; sm's data is not a variable, so the
    // key stays and is rejected as MXNet's parser does
    assertRejected(json, "node 3 'sm'", "unknown parameter 'data_lr_mult'");
  }

  @Test
  void laterAttrKeysReplaceEarlierOnesAndParamNeverOverrides() throws Exception {
    String json = graph(DATA + ", {\"op\": \"null\", \"name\": \"v\", "
        + "\"attr\": {\"a\": \"1\", \"b\": \"2\"}, \"attrs\": {\"a\": \"3\"}, \"inputs\": []}, "
        + "{\"op\": \"Activation\", \"name\": \"act\", \"param\": {\"act_type\": \"relu\"}, "
        + "\"attr\": {\"act_type\": \"tanh\"}, \"inputs\": [[0, 0]]}",
        "[[1, 0], [2, 0]]");
    String out = Symbol.fromJson(json, "keys.json").toJson();
    // nnvm reads "attr" and "attrs" into one map, the later replacing it whole; "param" is
    // added last without replacing
    assertThat(out).contains("\"name\": \"v\", \n      \"attrs\": {\"a\": \"3\"}",
        "\"attrs\": {\"act_type\": \"tanh\"}");
  }

  @Test
  void profilerScopeIsNotAHiddenKeyOfMxnet191() {
    String json = """
        {"nodes": [
          {"op": "null", "name": "data", "inputs": []},
          {"op": "Activation", "name": "act", "attr": {"act_type": "relu",
           "profiler_scope": "net:"}, "inputs": [[0, 0]]}
        ], "arg_nodes": [0], "heads": [[1, 0]],
        "attrs": {"mxnet_version": ["int", 904]}}""";
    assertRejected(json, "node 1 'act'", "unknown parameter 'profiler_scope'");
  }

  @Test
  void pre095ArgmaxLosesItsOldAxisSpelling() throws Exception {
    String node = ", {\"op\": \"argmax\", \"name\": \"am\", \"attr\": {\"axis\": \"-1\"}, "
        + "\"inputs\": [[0, 0]]}";
    String old = graph(DATA + node, "[[1, 0]]").replace("10900", "904");
    String current = graph(DATA + node, "[[1, 0]]").replace("10900", "905");

    Symbol upgraded = Symbol.fromJson(old, "old.json");
    Symbol kept = Symbol.fromJson(current, "new.json");

    assertThat(upgraded.toJson()).doesNotContain("axis");
    assertThat(upgraded.inferShape(Map.of("data", Shape.of(2, 3))).outputs())
        .containsExactly(Shape.of(1));
    assertThat(kept.inferShape(Map.of("data", Shape.of(2, 3))).outputs())
        .containsExactly(Shape.of(2));
  }

  @Test
  void pre09FilesGetTheirMissingTrailingInputsAsVariables() throws Exception {
    String json = """
        {"nodes": [
          {"op": "null", "name": "data", "inputs": []},
          {"op": "FullyConnected", "name": "fc", "param": {"num_hidden": "5"},
           "inputs": [[0, 0]]},
          {"op": "SoftmaxOutput", "name": "sm", "inputs": [[1, 0]]}
        ], "arg_nodes": [0], "heads": [[2, 0]]}""";
    Symbol s = Symbol.fromJson(json, "v08.json");
    assertThat(s.listArguments())
        .containsExactly("data", "fc_weight", "fc_bias", "sm_label");
    assertThat(s.toJson()).contains(
        "\"name\": \"fc_weight\", \n      \"attrs\": {\"num_hidden\": \"5\"}");
  }

  @Test
  void variableAttributesAreKeptButNotInterpreted() throws Exception {
    String json = """
        {"nodes": [
          {"op": "null", "name": "data", "attrs": {"__shape__": "(2, 6)", "kernel": "(3, 3)"},
           "inputs": []},
          {"op": "Flatten", "name": "f", "inputs": [[0, 0, 0]]}
        ], "arg_nodes": [0], "heads": [[1, 0, 0]],
        "attrs": {"mxnet_version": ["int", 10900]}}""";
    Symbol s = Symbol.fromJson(json, "vars.json");
    assertThat(s.toJson()).contains("\"kernel\": \"(3, 3)\"");
    // __shape__ is a hint for shape inference
    assertThat(s.inferShape(Map.of()).outputs()).containsExactly(Shape.of(2, 6));
  }

  private static void assertRejected(String json, String... fragments) {
    assertThatThrownBy(() -> Symbol.fromJson(json, "bad-symbol.json"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("bad-symbol.json")
        .hasMessageContaining(fragments[0])
        .satisfies(e -> {
          for (String f : fragments) {
            assertThat(e.getMessage()).contains(f);
          }
        });
  }

  private static String graph(String nodes, String heads) {
    return "{\"nodes\": [" + nodes + "], \"arg_nodes\": [], \"heads\": " + heads
        + ", \"attrs\": {\"mxnet_version\": [\"int\", 10900]}}";
  }

  private static final String DATA = "{\"op\": \"null\", \"name\": \"data\", \"inputs\": []}";

  @Test
  void malformedJsonIsRejectedWithOffset() {
    assertThatThrownBy(() -> Symbol.fromJson("{\"nodes\": [", "bad-symbol.json"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("bad-symbol.json at byte offset")
        .hasMessageContaining("malformed JSON");
    assertRejected("[]", "must be an object");
    assertRejected("{\"nodes\": []} trailing", "malformed JSON");
  }

  @Test
  void unknownOperatorIsRejectedNamingTheNode() {
    assertRejected(graph(DATA + ", {\"op\": \"NoSuchOperator\", \"name\": \"conv1\", "
        + "\"attrs\": {\"kernel\": \"(3, 3)\"}, \"inputs\": [[0, 0, 0]]}", "[[1, 0, 0]]"),
        "node 1 'conv1'", "unknown operator 'NoSuchOperator'");
  }

  @Test
  void unknownParameterIsRejectedNamingNodeAndKey() {
    assertRejected(graph(DATA + ", {\"op\": \"Activation\", \"name\": \"act\", "
        + "\"attrs\": {\"act_type\": \"relu\", \"axis\": \"1\"}, \"inputs\": [[0, 0, 0]]}",
        "[[1, 0, 0]]"), "node 1 'act'", "unknown parameter 'axis'");
  }

  @Test
  void badParameterValuesAreRejectedNamingNodeAndKey() {
    assertRejected(graph(DATA + ", {\"op\": \"FullyConnected\", \"name\": \"fc\", "
        + "\"attrs\": {\"num_hidden\": \"ten\"}, \"inputs\": [[0, 0, 0], [0, 0, 0], [0, 0, 0]]}",
        "[[1, 0, 0]]"), "node 1 'fc' (FullyConnected)", "num_hidden", "'ten'");
  }

  @Test
  void operatorsWithoutParametersKeepUnknownAttributesAsMxnetDoes() throws Exception {
    // MXNet registers them without a parameter parser, so nothing rejects the key
    String json = graph(DATA + ", {\"op\": \"Flatten\", \"name\": \"flat\", "
        + "\"attrs\": {\"axis\": \"1\"}, \"inputs\": [[0, 0, 0]]}", "[[1, 0, 0]]");

    Symbol s = Symbol.fromJson(json, "flat.json");

    assertThat(s.toJson()).contains("\"attrs\": {\"axis\": \"1\"}");
    assertThat(s.inferShape(Map.of("data", Shape.of(2, 3, 4))).outputs())
        .containsExactly(Shape.of(2, 12));
  }

  @Test
  void cyclesAreRejectedNamingANodeOnTheCycle() {
    assertRejected(graph(DATA
        + ", {\"op\": \"elemwise_add\", \"name\": \"a\", \"inputs\": [[0, 0, 0], [2, 0, 0]]}"
        + ", {\"op\": \"Flatten\", \"name\": \"b\", \"inputs\": [[1, 0, 0]]}", "[[2, 0, 0]]"),
        "cycle");
    assertRejected(graph("{\"op\": \"Flatten\", \"name\": \"self\", \"inputs\": [[0, 0, 0]]}",
        "[[0, 0, 0]]"), "'self'", "cycle");
  }

  @Test
  void danglingIdsAndBadOutputIndicesAreRejected() {
    assertRejected(graph(DATA + ", {\"op\": \"Flatten\", \"name\": \"f\", "
        + "\"inputs\": [[7, 0, 0]]}", "[[1, 0, 0]]"), "node 1 'f'", "node 7", "dangling");
    assertRejected(graph(DATA, "[[3, 0, 0]]"), "head 0", "dangling");
    assertRejected(graph(DATA + ", {\"op\": \"Flatten\", \"name\": \"f\", "
        + "\"inputs\": [[0, 2, 0]]}", "[[1, 0, 0]]"), "'f'", "output 2");
    assertRejected(graph(DATA + ", {\"op\": \"Flatten\", \"name\": \"f\", "
        + "\"inputs\": [[0, -1, 0]]}", "[[1, 0, 0]]"), "'f'", "non-negative");
  }

  @Test
  void wrongInputCountsAndMalformedNodesAreRejected() {
    assertRejected(graph(DATA + ", {\"op\": \"FullyConnected\", \"name\": \"fc\", "
        + "\"attrs\": {\"num_hidden\": \"2\"}, \"inputs\": [[0, 0, 0]]}", "[[1, 0, 0]]"),
        "'fc'", "has 1 inputs", "[data, weight, bias]");
    assertRejected(graph(DATA + ", {\"op\": \"null\", \"name\": \"v\", "
        + "\"inputs\": [[0, 0, 0]]}", "[[1, 0, 0]]"), "'v'", "cannot have inputs");
    assertRejected(graph("{\"op\": \"null\", \"inputs\": []}", "[[0, 0, 0]]"),
        "node 0", "\"name\"");
    assertRejected(graph("{\"op\": \"null\", \"name\": \"v\", \"attrs\": {\"a\": 1}, "
        + "\"inputs\": []}", "[[0, 0, 0]]"), "'v'", "must be a string");
    assertRejected(graph("{\"op\": \"null\", \"name\": \"v\", \"color\": \"red\", "
        + "\"inputs\": []}", "[[0, 0, 0]]"), "'v'", "unknown key \"color\"");
    assertRejected(graph(DATA, "[]"), "heads");
  }

  @Test
  void loadRejectsNonUtf8Files(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("x-symbol.json");
    Files.write(f, new byte[] {'{', (byte) 0xff, '}'});
    assertThatThrownBy(() -> Symbol.load(f)).isInstanceOf(FormatException.class)
        .hasMessageContaining("UTF-8");
    Files.writeString(f, smallMlp().toJson(), StandardCharsets.UTF_8);
    assertThat(Symbol.load(f).listOutputs()).containsExactly("softmax_output");
  }

  @Test
  void argNodesMustNameVariablesButMayBeMissing() throws Exception {
    String flat = ", {\"op\": \"Flatten\", \"name\": \"f\", \"inputs\": [[0, 0]]}";
    assertRejected(graph(DATA + flat, "[[1, 0]]").replace("\"arg_nodes\": []",
        "\"arg_nodes\": [0, 1]"), "\"arg_nodes\" lists node 1 'f' (Flatten)", "not a variable");
    assertRejected(graph(DATA + flat, "[[1, 0]]").replace("\"arg_nodes\": []",
        "\"arg_nodes\": [5]"), "\"arg_nodes\"", "5 is not a node id");
    // MXNet requires the key; Kindling recomputes the list anyway
    Symbol s = Symbol.fromJson(graph(DATA + flat, "[[1, 0]]").replace("\"arg_nodes\": [], ", ""),
        "no-arg-nodes.json");
    assertThat(s.toJson()).contains("\"arg_nodes\": [0]");
  }

  @Test
  void rowPointersAreRecomputedButMustBeIntegers() throws Exception {
    String flat = ", {\"op\": \"Flatten\", \"name\": \"f\", \"inputs\": [[0, 0]]}";
    String wrong = graph(DATA + flat, "[[1, 0]]").replace("\"heads\"",
        "\"node_row_ptr\": [0, 7, 9], \"heads\"");
    assertThat(Symbol.fromJson(wrong, "row.json").toJson()).contains("\"node_row_ptr\": [0, 1, 2]");
    assertRejected(wrong.replace("[0, 7, 9]", "\"0 1 2\""), "\"node_row_ptr\"",
        "array of integers");
    assertRejected(wrong.replace("[0, 7, 9]", "[0, 1.5]"), "\"node_row_ptr\"", "1.5");
  }

  @Test
  void inputsMayReferToLaterNodesAsLongAsThereIsNoCycle() throws Exception {
    String json = graph("{\"op\": \"Flatten\", \"name\": \"f\", \"inputs\": [[1, 0]]}, "
        + DATA, "[[0, 0]]");
    Symbol s = Symbol.fromJson(json, "forward.json");
    assertThat(s.listOutputs()).containsExactly("f_output");
    // written back in DFS order, inputs first
    assertThat(s.toJson()).contains("\"inputs\": [[0, 0, 0]]");
  }

  @Test
  void anEmptyShapeHintMeansUnknownInLegacyShapes() throws Exception {
    String json = graph("{\"op\": \"null\", \"name\": \"data\", \"attrs\": {\"__shape__\": \"()\"}, "
        + "\"inputs\": []}, {\"op\": \"Flatten\", \"name\": \"f\", \"inputs\": [[0, 0]]}",
        "[[1, 0]]");
    InferredShapes s = Symbol.fromJson(json, "hint.json").inferShapePartial(Map.of());
    assertThat(s.isComplete()).isFalse();
    assertThat(s.arguments().get("data")).isNull();
  }

  @Test
  void errorsOfALoadedSymbolNameItsFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("mlp-symbol.json");
    smallMlp().save(f);
    Symbol s = Symbol.load(f);

    assertThatThrownBy(() -> s.inferShape(Map.of("data", Shape.of(2, 3),
        "fc1_weight", Shape.of(4, 5))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining("node 'fc1' (FullyConnected)");
    assertThatThrownBy(() -> s.internals().get("nope_output"))
        .hasMessageStartingWith(f + ": no output 'nope_output'");
    assertThatThrownBy(() -> s.get(0).inferShape(Map.of()))
        .hasMessageStartingWith(f + ": cannot infer the shapes of [data");
    assertThatThrownBy(() -> s.bind(Map.of(), Map.of(), Map.of(), Map.of()))
        .hasMessageStartingWith(f + ": bind: no array for");
    // a symbol built in code has no file to name
    assertThatThrownBy(() -> smallMlp().inferShape(Map.of()))
        .hasMessageStartingWith("cannot infer");
  }

  @Test
  void composingBatchNormAndPreluWritesMxnetsInitializersAndVersions() {
    Symbol bn = Symbol.create(BatchNorm.OP, "bn", BatchNorm.OP.defaults(),
        Map.of("data", Symbol.variable("data")));
    Symbol prelu = Symbol.create(LeakyReLU.OP, "pr", LeakyReLU.Params.of(LeakyReLU.ActType.PRELU),
        Map.of("data", bn));

    String json = prelu.toJson();

    assertThat(json).contains("\"name\": \"bn_moving_mean\", \n"
        + "      \"attrs\": {\"__init__\": \"[\\\"zero\\\", {}]\"}");
    assertThat(json).contains("\"name\": \"bn_moving_var\", \n"
        + "      \"attrs\": {\"__init__\": \"[\\\"one\\\", {}]\"}");
    assertThat(json).contains("\"__init__\": \"[\\\"Constant\\\", {\\\"value\\\": 0.25}]\", \n"
        + "        \"act_type\": \"prelu\"");
    assertThat(json).contains("[[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 1], [4, 0, 1]]");
  }
}
