package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kindling.symbol.Fixtures;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.AttrSyntax;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.Sample;
import org.kindling.testing.MxnetFixtures;

/**
 * Symbol files of MXNet 0.8 to 1.9 read by Kindling and by MXNet 1.9.1 (formats.md §4.2): the
 * same arguments, auxiliary states, outputs, internal outputs, inferred shapes of every one of
 * them, and saved text, for the files of {@code symbol-graph}'s {@code legacy/} fixtures and the
 * real 0.9.4 go_test file; Kindling's saved text loads in MXNet. Small files pin the loader's
 * rules one by one (key precedence, hidden keys, version-dependent upgrades, unknown attributes,
 * output names of every operator, operator aliases): either both read a file alike or both
 * refuse it.
 *
 * <p>Kindling refuses some files MXNet accepts, on purpose (SymbolJsonTest covers them): cycles,
 * output indices out of range, wrong input counts, variables with inputs, two variables with one
 * name. It reads files without {@code arg_nodes}, which MXNet refuses.
 */
class LegacySymbolJsonMatchesMxnetIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern ROW_PTR = Pattern.compile("\"node_row_ptr\": \\[[^\\]]*\\], ");

  /** A symbol file and the input shapes to infer from. */
  record Fixture(String name, Map<String, Shape> inputs) {
    @Override
    public String toString() {
      return name;
    }

    String text() throws Exception {
      return name.startsWith("go_test") ? Files.readString(MxnetFixtures.path(name))
          : Fixtures.resource("legacy/" + name);
    }
  }

  static List<Fixture> fixtures() {
    return List.of(
        new Fixture("save_000800-symbol.json", Map.of("data", Shape.of(2, 20))),
        new Fixture("lenet-0.8-symbol.json", Map.of("data", Shape.of(2, 1, 28, 28))),
        new Fixture("inception-0.9-symbol.json", Map.of("data", Shape.of(2, 3, 8, 8))),
        new Fixture("go_test-symbol.json",
            Map.of("data", Shape.of(1, 10), "softmax_label", Shape.of(1, 10))),
        new Fixture("gluon-1.6-symbol.json", Map.of("data", Shape.of(2, 3, 16, 16))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void mxnetReadsTheFileAsKindlingDoes(Fixture f, @TempDir Path dir) throws Exception {
    Path file = dir.resolve(f.name());
    Files.writeString(file, f.text());
    Symbol k = Symbol.load(file);

    try (MxSymbol m = MxSymbol.fromFile(file); MxSymbol fromText = MxSymbol.fromJson(f.text());
        MxSymbol mi = m.internals()) {
      assertThat(fromText.toJson()).as("MXNet reads the file and its text alike")
          .isEqualTo(m.toJson());
      assertSameLists(f.name(), k, m);
      assertSameText(f.name(), k.toJson(), m.toJson());

      Map<String, int[]> in = dims(f.inputs());
      MxSymbol.Shapes ms = m.inferShape(in);
      InferredShapes ks = k.inferShape(f.inputs());
      assertThat(ms.complete()).isTrue();
      assertThat(lists(ms.arguments())).as("argument shapes")
          .isEqualTo(lists(ks.arguments().values()));
      assertThat(lists(ms.outputs())).as("output shapes").isEqualTo(lists(ks.outputs()));
      assertThat(lists(ms.auxiliaryStates())).as("auxiliary shapes")
          .isEqualTo(lists(ks.auxiliaryStates().values()));
      // every internal output, NAME_output, has MXNet's shape
      assertThat(lists(mi.inferShape(in).outputs())).as("internal output shapes")
          .isEqualTo(lists(k.internals().inferShape(f.inputs()).outputs()));
    }
    try (MxSymbol original = MxSymbol.fromJson(f.text());
        MxSymbol resaved = MxSymbol.fromJson(k.toJson())) {
      assertThat(resaved.toJson()).as("MXNet reads Kindling's upgraded text as the original")
          .isEqualTo(original.toJson());
    }
  }

  // ------------------------------------------------------------------------ loader rules

  private static final String DATA = "{\"op\": \"null\", \"name\": \"data\", \"inputs\": []}";

  private static String graph(int version, String heads, String... nodes) {
    return "{\"nodes\": [" + String.join(", ", nodes) + "], \"arg_nodes\": [0], \"heads\": "
        + heads + (version < 0 ? "" : ", \"attrs\": {\"mxnet_version\": [\"int\", " + version
        + "]}") + "}";
  }

  private static String node(String op, String name, String attrs, String inputs) {
    return "{\"op\": \"" + op + "\", \"name\": \"" + name + "\"" + (attrs.isEmpty() ? ""
        : ", " + attrs) + ", \"inputs\": " + inputs + "}";
  }

  @Test
  void keysVersionsAndHiddenAttributesAreReadAsMxnetReadsThem() {
    String fc = node("FullyConnected", "fc", "\"attr\": {\"num_hidden\": \"3\", "
        + "\"weight_lr_mult\": \"2\", \"bias_wd_mult\": \"0\", \"ctx_group\": \"g\"}",
        "[[0, 0]]");
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("attr then attrs, param under both", graph(10900, "[[1, 0], [2, 0]]", DATA,
        node("null", "v", "\"attr\": {\"a\": \"1\", \"b\": \"2\"}, \"attrs\": {\"a\": \"3\"}",
            "[]"),
        node("Activation", "act", "\"param\": {\"act_type\": \"relu\"}, \"attr\": "
            + "{\"act_type\": \"tanh\"}", "[[0, 0]]")));
    // (MXNet crashes on an <input>_lr_mult key whose input is missing: not tried)
    cases.put("0.8 file: hidden keys copied to the missing weights", graph(-1, "[[1, 0]]", DATA,
        node("FullyConnected", "fc", "\"param\": {\"num_hidden\": \"3\"}, \"attr\": "
            + "{\"lr_mult\": \"0.1\", \"ctx_group\": \"g\"}", "[[0, 0]]")));
    cases.put("0.9.3 file: hidden keys moved to given weights", graph(903, "[[3, 0]]", DATA,
        node("null", "w", "\"attr\": {\"lr_mult\": \"0.5\"}", "[]"), node("null", "b", "", "[]"),
        fc.replace("[[0, 0]]", "[[0, 0], [1, 0], [2, 0]]")));
    cases.put("1.9 file: lr_mult is an unknown parameter", graph(10900, "[[3, 0]]", DATA,
        node("null", "w", "", "[]"), node("null", "b", "", "[]"),
        fc.replace("[[0, 0]]", "[[0, 0], [1, 0], [2, 0]]")));
    cases.put("profiler_scope is no hidden key", graph(904, "[[1, 0]]", DATA,
        node("Activation", "act", "\"attr\": {\"act_type\": \"relu\", \"profiler_scope\": "
            + "\"x\"}", "[[0, 0]]")));
    cases.put("a key naming an input that is no variable", graph(904, "[[3, 0]]", DATA,
        node("FullyConnected", "fc", "\"attr\": {\"num_hidden\": \"3\", \"no_bias\": \"True\"}",
            "[[0, 0], [0, 0]]"),
        node("null", "sm_label", "", "[]"),
        node("SoftmaxOutput", "sm", "\"attr\": {\"data_lr_mult\": \"2\"}", "[[1, 0], [2, 0]]")));
    cases.put("0.9.4 argmax axis -1", graph(904, "[[1, 0]]", DATA,
        node("argmax", "am", "\"attr\": {\"axis\": \"-1\"}", "[[0, 0]]")));
    cases.put("0.9.5 argmax axis -1", graph(905, "[[1, 0]]", DATA,
        node("argmax", "am", "\"attr\": {\"axis\": \"-1\"}", "[[0, 0]]")));
    cases.put("0.9.4 BatchNorm and prelu initializers, one already set", graph(903, "[[7, 0]]",
        DATA, node("null", "mean", "\"attr\": {\"__init__\": \"zeros\"}", "[]"),
        node("null", "var", "", "[]"),
        node("BatchNorm", "bn", "", "[[0, 0], [0, 0], [0, 0], [1, 0, 1], [2, 0, 1]]"),
        node("null", "g", "", "[]"), node("LeakyReLU", "pr", "\"attr\": {\"act_type\": "
            + "\"prelu\"}", "[[3, 0], [4, 0]]"), node("Flatten", "f", "", "[[5, 0]]"),
        node("elemwise_add", "sum", "", "[[6, 0], [3, 0]]")));
    cases.put("a newer file", graph(20000, "[[1, 0]]", DATA, node("Flatten", "f", "",
        "[[0, 0]]")));
    cases.put("hidden outputs as heads", graph(10900, "[[1, 0], [1, 1], [1, 2], [2, 1]]", DATA,
        node("BatchNorm", "bn", "", "[[0, 0], [0, 0], [0, 0], [0, 0, 1], [0, 0, 1]]"),
        node("Dropout", "drop", "", "[[1, 0]]")));
    cases.put("an input read before it is written", graph(10900, "[[0, 0]]",
        node("Flatten", "f", "", "[[1, 0]]"), DATA));
    cases.put("row pointers that are wrong", graph(10900, "[[1, 0]]", DATA,
        node("Flatten", "f", "", "[[0, 0]]")).replace("\"heads\"",
        "\"node_row_ptr\": [0, 5, 6], \"heads\""));
    cases.put("an empty shape hint", graph(10900, "[[1, 0]]",
        node("null", "data", "\"attrs\": {\"__shape__\": \"()\"}", "[]"),
        node("Flatten", "f", "", "[[0, 0]]")));
    cases.put("arg_nodes naming an operator", graph(10900, "[[1, 0]]", DATA,
        node("Flatten", "f", "", "[[0, 0]]")).replace("\"arg_nodes\": [0]",
        "\"arg_nodes\": [0, 1]"));
    cases.put("an unknown operator", graph(10900, "[[1, 0]]", DATA,
        node("NoSuchOp", "n", "", "[[0, 0]]")));
    cases.put("a bad parameter value", graph(10900, "[[1, 0]]", DATA,
        node("Activation", "act", "\"attrs\": {\"act_type\": \"relu6\"}", "[[0, 0]]")));
    cases.put("an unknown top-level key", graph(10900, "[[1, 0]]", DATA,
        node("Flatten", "f", "", "[[0, 0]]")).replace("\"heads\"", "\"extra\": 1, \"heads\""));
    List<String> problems = new ArrayList<>();
    cases.forEach((what, json) -> readAlike(what, json, problems));
    assertThat(problems).isEmpty();
  }

  @Test
  void anEmptyShapeHintLeavesTheShapeUnknownInBoth() throws FormatException {
    String json = graph(10900, "[[1, 0]]",
        node("null", "data", "\"attrs\": {\"__shape__\": \"()\"}", "[]"),
        node("Flatten", "f", "", "[[0, 0]]"));
    try (MxSymbol m = MxSymbol.fromJson(json)) {
      assertThat(m.inferShape(Map.of()).complete()).isFalse();
    }
    assertThat(Symbol.fromJson(json, "hint").inferShapePartial(Map.of()).isComplete()).isFalse();
  }

  /**
   * Every operator from its first sample, with every output (hidden ones too) as a head: the
   * same output names and internals; and with an attribute that is no parameter: refused by both
   * (operators with a parameter parser) or kept by both (the others).
   */
  @TestFactory
  Stream<DynamicTest> everyOperatorNamesItsOutputsAndTreatsUnknownKeysAsMxnet() {
    return OpRegistry.all().stream().map(op -> DynamicTest.dynamicTest(op.name(), () -> {
      List<String> problems = new ArrayList<>();
      readAlike(op.name(), operatorJson(op, false), problems);
      readAlike(op.name() + " with key 'kindling_probe'", operatorJson(op, true), problems);
      assertThat(problems).isEmpty();
    }));
  }

  private static <P extends Record> String operatorJson(OpDef<P> op, boolean unknownKey)
      throws JsonProcessingException {
    Sample<P> sample = op.samples().get(0);
    OpInstance<P> inst = OpInstance.of(op, sample.params());
    List<String> nodes = new ArrayList<>();
    StringBuilder inputs = new StringBuilder();
    for (int i = 0; i < inst.inputNames().size(); i++) {
      nodes.add(node("null", "in" + i, "", "[]"));
      inputs.append(i == 0 ? "" : ", ").append("[").append(i).append(", 0, ")
          .append(inst.mutableInputs().contains(i) ? 1 : 0).append("]");
    }
    Map<String, String> attrs = new LinkedHashMap<>(inst.toAttrs());
    if (unknownKey) {
      attrs.put("kindling_probe", "1");
    }
    int id = nodes.size();
    nodes.add(node(op.name(), "op", "\"attrs\": " + MAPPER.writeValueAsString(attrs),
        "[" + inputs + "]"));
    StringBuilder heads = new StringBuilder();
    for (int k = 0; k < inst.numOutputs(); k++) {
      heads.append(k == 0 ? "" : ", ").append("[").append(id).append(", ").append(k)
          .append(", 0]");
    }
    return "{\"nodes\": [" + String.join(", ", nodes) + "], \"arg_nodes\": [], \"heads\": ["
        + heads + "], \"attrs\": {\"mxnet_version\": [\"int\", 10900]}}";
  }

  @Test
  void everyNameMxnetReadsForAnImplementedOperatorLoadsInKindling() {
    Mxnet mx = Mxnet.get();
    IntByReference n = new IntByReference();
    PointerByReference arr = new PointerByReference();
    mx.check(mx.api().MXListAllOpNames(n, arr), "MXListAllOpNames");
    // MXNet's aliases share their operator's handle
    Map<Pointer, String> canonical = new HashMap<>();
    for (OpDef<?> op : OpRegistry.all()) {
      canonical.put(handle(mx, op.name()), op.name());
    }
    List<String> missing = new ArrayList<>();
    int aliases = 0; // canonical names included
    for (String name : Mxnet.strings(arr.getValue(), n.getValue())) {
      String of = canonical.get(handle(mx, name));
      if (of == null) {
        continue;
      }
      aliases++;
      if (OpRegistry.find(name).map(OpDef::name).filter(of::equals).isEmpty()) {
        missing.add(name + " (" + of + ")");
      }
    }
    assertThat(aliases).as("names of implemented operators").isGreaterThan(OpRegistry.all().size());
    assertThat(missing).as("MXNet names of Kindling's operators that Kindling cannot read")
        .isEmpty();
  }

  private static Pointer handle(Mxnet mx, String name) {
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().NNGetOpHandle(name, ref), "NNGetOpHandle(" + name + ")");
    return ref.getValue();
  }

  // ------------------------------------------------------------------------------ helpers

  /** Both read {@code json} alike, or both refuse it; otherwise a problem is recorded. */
  private static void readAlike(String what, String json, List<String> problems) {
    Symbol k = null;
    String kError = null;
    try {
      k = Symbol.fromJson(json, what);
    } catch (FormatException | RuntimeException e) {
      kError = e.getMessage();
    }
    MxSymbol m = null;
    String mError = null;
    try {
      m = MxSymbol.fromJson(json);
    } catch (IllegalStateException e) {
      mError = e.getMessage();
    }
    try {
      if ((k == null) != (m == null)) {
        problems.add(what + ": Kindling " + (k == null ? "refuses it (" + kError + ")"
            : "reads it") + ", MXNet " + (m == null ? "refuses it (" + mError + ")"
            : "reads it") + "\n" + json);
      } else if (k != null) {
        try {
          assertSameLists(what, k, m);
          assertSameText(what, k.toJson(), m.toJson());
        } catch (AssertionError e) {
          problems.add(e.getMessage());
        }
      }
    } finally {
      if (m != null) {
        m.close();
      }
    }
  }

  private static void assertSameLists(String what, Symbol k, MxSymbol m) {
    assertThat(k.listArguments()).as(what + ": arguments").isEqualTo(m.listArguments());
    assertThat(k.listAuxiliaryStates()).as(what + ": auxiliary states")
        .isEqualTo(m.listAuxiliaryStates());
    assertThat(k.listOutputs()).as(what + ": outputs").isEqualTo(m.listOutputs());
    try (MxSymbol mi = m.internals()) {
      assertThat(k.internals().listOutputs()).as(what + ": internals")
          .isEqualTo(mi.listOutputs());
    }
  }

  /**
   * Kindling's text is MXNet's but for {@code node_row_ptr}, where MXNet's oneDNN build counts a
   * second (workspace) output for max pooling with a 1-D to 3-D kernel in a channels-first
   * layout (formats.md §4.1).
   */
  static void assertSameText(String what, String kindling, String mxnet) {
    assertThat(ROW_PTR.matcher(kindling).replaceAll(""))
        .as(what + ": saved text (without node_row_ptr)")
        .isEqualTo(ROW_PTR.matcher(mxnet).replaceAll(""));
    JsonNode k;
    JsonNode m;
    try {
      k = MAPPER.readTree(kindling);
      m = MAPPER.readTree(mxnet);
    } catch (Exception e) {
      throw new AssertionError(what + ": unreadable JSON", e);
    }
    JsonNode kp = k.get("node_row_ptr");
    JsonNode mp = m.get("node_row_ptr");
    assertThat(mp.size()).as(what + ": node_row_ptr length").isEqualTo(kp.size());
    for (int i = 0; i + 1 < kp.size(); i++) {
      JsonNode n = k.get("nodes").get(i);
      int kCount = kp.get(i + 1).asInt() - kp.get(i).asInt();
      int mCount = mp.get(i + 1).asInt() - mp.get(i).asInt();
      assertThat(mCount).as(what + ": MXNet's output count of node " + n.get("name"))
          .isEqualTo(kCount + (hasWorkspace(n) ? 1 : 0));
    }
  }

  private static boolean hasWorkspace(JsonNode n) {
    JsonNode attrs = n.get("attrs");
    if (!n.get("op").asText().equals("Pooling") || attrs == null) {
      return false;
    }
    String type = attrs.has("pool_type") ? attrs.get("pool_type").asText() : "max";
    String layout = attrs.has("layout") ? attrs.get("layout").asText() : "None";
    int kernelDims = attrs.has("kernel")
        ? AttrSyntax.parseIntTuple(attrs.get("kernel").asText()).length : 0;
    return type.equals("max") && kernelDims >= 1 && kernelDims <= 3
        && Set.of("None", "NCW", "NCHW", "NCDHW").contains(layout);
  }

  private static Map<String, int[]> dims(Map<String, Shape> shapes) {
    Map<String, int[]> out = new LinkedHashMap<>();
    shapes.forEach((k, v) -> out.put(k, v.dims()));
    return out;
  }

  private static List<List<Integer>> lists(Iterable<?> shapes) {
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
