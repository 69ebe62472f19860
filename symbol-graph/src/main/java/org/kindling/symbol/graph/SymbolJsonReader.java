package org.kindling.symbol.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.FormatException;

/**
 * Reads symbol JSON written by any MXNet version (formats.md §4), applying MXNet's upgrade
 * passes: legacy {@code attr}/{@code param} keys merge into the attributes; a missing version
 * element in an input defaults to 0; aliases resolve to canonical operators; before 1.9
 * hidden keys written without underscores become {@code __key__} (and {@code <arg>_lr_mult}
 * moves to the variable feeding that argument); before 0.9 missing trailing inputs become
 * variables named {@code <node>_<input>}. Attributes of variables are kept but not
 * interpreted, except hidden ones.
 *
 * <p>Malformed JSON, unknown operators or parameters, wrong input counts, dangling input ids
 * and cycles raise a {@link FormatException} naming the source and the node.
 */
public final class SymbolJsonReader {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final List<String> HIDDEN_KEYS =
      List.of("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage",
          "profiler_scope");
  private static final Set<String> TOP_KEYS =
      Set.of("nodes", "arg_nodes", "node_row_ptr", "heads", "attrs", "metadata");
  private static final Set<String> NODE_KEYS =
      Set.of("op", "name", "inputs", "attrs", "attr", "param", "control_deps",
          "backward_source_id");
  /** Files without a version are MXNet 0.8.0. */
  private static final int DEFAULT_VERSION = 800;

  private record RawEntry(int node, int index, int version) {}

  private static final class RawNode {
    final int id;
    String op;
    String name;
    final Map<String, String> attrs = new LinkedHashMap<>();
    final List<RawEntry> inputs = new ArrayList<>();
    final List<Integer> controlDeps = new ArrayList<>();
    OpDef<?> operator;
    OpInstance<?> instance;
    /** Hidden attributes moved here from a consumer by the upgrade. */
    final Map<String, String> movedAttrs = new LinkedHashMap<>();

    RawNode(int id) {
      this.id = id;
    }

    String where() {
      return "node " + id + (name == null ? "" : " '" + name + "'")
          + (op == null || op.equals("null") ? "" : " (" + op + ")");
    }

    /** Inputs plus control dependencies: the nodes that must exist before this one. */
    int degree() {
      return inputs.size() + controlDeps.size();
    }

    /** The id of dependency {@code k} in {@code [0, degree())}: inputs first, then controls. */
    int dependency(int k) {
      return k < inputs.size() ? inputs.get(k).node() : controlDeps.get(k - inputs.size());
    }
  }

  private final String source;

  private SymbolJsonReader(String source) {
    this.source = source;
  }

  /**
   * Parses symbol JSON into its output entries.
   *
   * @param json the text
   * @param source the file name or other description, for error messages
   * @throws FormatException if the text is not a valid symbol
   */
  public static List<NodeEntry> read(String json, String source) throws FormatException {
    return new SymbolJsonReader(source).parse(json);
  }

  private FormatException error(String problem) {
    return new FormatException(source, -1, problem);
  }

  private List<NodeEntry> parse(String json) throws FormatException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      long offset = byteOffset(json, e.getLocation() == null ? -1 : e.getLocation().getCharOffset());
      throw new FormatException(source, offset, "malformed JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw error("symbol JSON must be an object with \"nodes\" and \"heads\"");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!TOP_KEYS.contains(k)) {
        throw error("unknown top-level key \"" + k + "\" (expected " + TOP_KEYS + ")");
      }
    }
    int version = readVersion(root.get("attrs"));
    JsonNode nodesJson = root.get("nodes");
    if (nodesJson == null || !nodesJson.isArray()) {
      throw error("\"nodes\" must be an array");
    }
    List<RawNode> raw = new ArrayList<>();
    for (int i = 0; i < nodesJson.size(); i++) {
      raw.add(readNode(i, nodesJson.get(i), nodesJson.size()));
    }
    JsonNode headsJson = root.get("heads");
    if (headsJson == null || !headsJson.isArray()) {
      throw error("\"heads\" must be an array");
    }
    List<RawEntry> heads = new ArrayList<>();
    for (int i = 0; i < headsJson.size(); i++) {
      heads.add(readEntry(headsJson.get(i), "head " + i, raw.size()));
    }
    if (heads.isEmpty()) {
      throw error("\"heads\" is empty: a symbol needs at least one output");
    }
    checkAcyclic(raw);
    for (RawNode n : raw) {
      resolveOperator(n, raw, version);
    }
    Node[] built = new Node[raw.size()];
    for (RawEntry h : heads) {
      build(h.node(), raw, built, version);
    }
    List<NodeEntry> out = new ArrayList<>();
    for (int i = 0; i < heads.size(); i++) {
      out.add(entry(built[heads.get(i).node()], heads.get(i), "head " + i));
    }
    return out;
  }

  /** The UTF-8 byte offset of a character offset, as FormatException reports bytes. */
  private static long byteOffset(String json, long charOffset) {
    if (charOffset < 0) {
      return -1;
    }
    int end = (int) Math.min(charOffset, json.length());
    return json.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
  }

  private int readVersion(JsonNode attrs) throws FormatException {
    if (attrs == null) {
      return DEFAULT_VERSION;
    }
    if (!attrs.isObject()) {
      throw error("graph \"attrs\" must be an object");
    }
    JsonNode v = attrs.get("mxnet_version");
    if (v == null) {
      return DEFAULT_VERSION;
    }
    if (!v.isArray() || v.size() != 2 || !v.get(1).isIntegralNumber()) {
      throw error("\"mxnet_version\" must be [\"int\", number], got " + v);
    }
    return v.get(1).asInt();
  }

  private RawNode readNode(int id, JsonNode j, int count) throws FormatException {
    RawNode n = new RawNode(id);
    if (j == null || !j.isObject()) {
      throw error(n.where() + ": a node must be an object");
    }
    JsonNode name = j.get("name");
    if (name == null || !name.isTextual()) {
      throw error(n.where() + ": \"name\" must be a string");
    }
    n.name = name.asText();
    JsonNode op = j.get("op");
    if (op == null || !op.isTextual()) {
      throw error(n.where() + ": \"op\" must be a string");
    }
    n.op = op.asText();
    for (Map.Entry<String, JsonNode> f : j.properties()) {
      String k = f.getKey();
      if (!NODE_KEYS.contains(k)) {
        throw error(n.where() + ": unknown key \"" + k + "\"");
      }
      if (k.equals("attrs") || k.equals("attr") || k.equals("param")) {
        readAttrs(n, k, f.getValue());
      }
    }
    JsonNode inputs = j.get("inputs");
    if (inputs == null || !inputs.isArray()) {
      throw error(n.where() + ": \"inputs\" must be an array");
    }
    for (int i = 0; i < inputs.size(); i++) {
      n.inputs.add(readEntry(inputs.get(i), n.where() + " input " + i, count));
    }
    JsonNode deps = j.get("control_deps");
    if (deps != null) {
      if (!deps.isArray()) {
        throw error(n.where() + ": \"control_deps\" must be an array of node ids");
      }
      for (JsonNode d : deps) {
        if (!d.canConvertToInt() || d.asInt() < 0 || d.asInt() >= count) {
          throw error(n.where() + ": control dependency " + d + " is not a node id in [0, "
              + count + ")");
        }
        n.controlDeps.add(d.asInt());
      }
    }
    return n;
  }

  private void readAttrs(RawNode n, String key, JsonNode attrs) throws FormatException {
    if (!attrs.isObject()) {
      throw error(n.where() + ": \"" + key + "\" must be an object of strings");
    }
    for (Map.Entry<String, JsonNode> a : attrs.properties()) {
      if (!a.getValue().isTextual()) {
        throw error(n.where() + ": attribute \"" + a.getKey() + "\" must be a string, got "
            + a.getValue());
      }
      n.attrs.put(a.getKey(), a.getValue().asText());
    }
  }

  private RawEntry readEntry(JsonNode j, String where, int count) throws FormatException {
    if (j == null || !j.isArray() || j.size() < 2 || j.size() > 3) {
      throw error(where + ": an entry must be [node_id, output_index(, version)], got " + j);
    }
    for (JsonNode v : j) {
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
        throw error(where + ": entry " + j + " must hold non-negative integers");
      }
    }
    int node = j.get(0).asInt();
    if (node >= count) {
      throw error(where + ": refers to node " + node + " but the symbol has only " + count
          + " nodes (dangling input id)");
    }
    return new RawEntry(node, j.get(1).asInt(), j.size() == 3 ? j.get(2).asInt() : 0);
  }

  /** Rejects cycles through inputs or control dependencies, naming a node on the cycle. */
  private void checkAcyclic(List<RawNode> raw) throws FormatException {
    int[] state = new int[raw.size()]; // 0 new, 1 on stack, 2 done
    for (int start = 0; start < raw.size(); start++) {
      if (state[start] != 0) {
        continue;
      }
      List<int[]> stack = new ArrayList<>();
      stack.add(new int[] {start, 0});
      state[start] = 1;
      while (!stack.isEmpty()) {
        int[] top = stack.get(stack.size() - 1);
        RawNode n = raw.get(top[0]);
        if (top[1] == n.degree()) {
          state[top[0]] = 2;
          stack.remove(stack.size() - 1);
          continue;
        }
        int next = n.dependency(top[1]++);
        if (state[next] == 1) {
          throw error(raw.get(next).where() + ": the graph has a cycle through this node (via "
              + n.where() + ")");
        }
        if (state[next] == 0) {
          state[next] = 1;
          stack.add(new int[] {next, 0});
        }
      }
    }
  }

  /** Resolves the operator, applies the hidden-key upgrade, and parses parameters. */
  private void resolveOperator(RawNode n, List<RawNode> raw, int version) throws FormatException {
    if (n.op.equals("null")) {
      if (!n.inputs.isEmpty()) {
        throw error(n.where() + ": a variable (op \"null\") cannot have inputs");
      }
      if (version < SymbolJsonWriter.MXNET_VERSION) {
        Map<String, String> stashed = stashHiddenKeys(n);
        restoreHiddenKeys(n, stashed, raw);
      }
      return;
    }
    Optional<OpDef<?>> op = OpRegistry.find(n.op);
    if (op.isEmpty()) {
      throw error(n.where() + ": unknown operator '" + n.op + "' (Kindling has "
          + OpRegistry.all().size() + " operators; `kindling ops` lists them)");
    }
    n.operator = op.get();
    Map<String, String> stashed =
        version < SymbolJsonWriter.MXNET_VERSION ? stashHiddenKeys(n) : Map.of();
    try {
      n.instance = OpInstance.parse(n.operator, n.name, n.attrs);
    } catch (IllegalArgumentException e) {
      throw error(n.where() + ": " + e.getMessage());
    }
    if (!stashed.isEmpty()) {
      restoreHiddenKeys(n, stashed, raw);
      try {
        // MXNet parses again after the upgrade: keys it could not place are unknown parameters
        n.instance = OpInstance.parse(n.operator, n.name, n.attrs);
      } catch (IllegalArgumentException e) {
        throw error(n.where() + ": " + e.getMessage());
      }
    }
    int needed = n.instance.inputNames().size();
    if (n.inputs.size() > needed
        || (n.inputs.size() < needed && version >= 900)) {
      throw error(n.where() + ": has " + n.inputs.size() + " inputs but the operator needs "
          + needed + " " + n.instance.inputNames());
    }
  }

  /** MXNet's UpgradeJSON_FixParsing, first half: remove keys that look like hidden keys. */
  private static Map<String, String> stashHiddenKeys(RawNode n) {
    Map<String, String> stashed = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, String>> it = n.attrs.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, String> e = it.next();
      for (String hk : HIDDEN_KEYS) {
        int pos = e.getKey().lastIndexOf(hk);
        if (pos == 0 || (pos >= 0 && pos == e.getKey().length() - hk.length())) {
          stashed.put(e.getKey(), e.getValue());
          it.remove();
          break;
        }
      }
    }
    return stashed;
  }

  /** Second half: rename to {@code __key__}, or move {@code <arg>_key} to the argument's variable. */
  private void restoreHiddenKeys(RawNode n, Map<String, String> stashed, List<RawNode> raw) {
    for (Map.Entry<String, String> kv : stashed.entrySet()) {
      String key = kv.getKey();
      boolean placed = false;
      for (String hk : HIDDEN_KEYS) {
        int pos = key.lastIndexOf(hk);
        if (pos == 0 && key.length() == hk.length()) {
          n.attrs.put("__" + hk + "__", kv.getValue());
          placed = true;
          break;
        } else if (pos > 1 && pos == key.length() - hk.length()) {
          if (n.instance != null) {
            int idx = n.instance.inputNames().indexOf(key.substring(0, pos - 1));
            if (idx >= 0 && idx < n.inputs.size()) {
              RawNode src = raw.get(n.inputs.get(idx).node());
              if (src.op.equals("null")) {
                src.movedAttrs.put("__" + hk + "__", kv.getValue());
                placed = true;
              }
            }
          }
          break;
        }
      }
      if (!placed) {
        n.attrs.put(key, kv.getValue());
      }
    }
  }

  /** Builds node {@code id} after its inputs (post-order), upgrading pre-0.9 missing inputs. */
  private Node build(int id, List<RawNode> raw, Node[] built, int version)
      throws FormatException {
    List<int[]> stack = new ArrayList<>();
    stack.add(new int[] {id, 0});
    while (!stack.isEmpty()) {
      int[] top = stack.get(stack.size() - 1);
      RawNode n = raw.get(top[0]);
      if (built[top[0]] != null) {
        stack.remove(stack.size() - 1);
        continue;
      }
      if (top[1] < n.degree()) {
        int next = n.dependency(top[1]++);
        if (built[next] == null) {
          stack.add(new int[] {next, 0});
        }
        continue;
      }
      built[top[0]] = create(n, built, version);
      stack.remove(stack.size() - 1);
    }
    return built[id];
  }

  private Node create(RawNode n, Node[] built, int version) throws FormatException {
    if (n.operator == null) {
      Map<String, String> attrs = new LinkedHashMap<>(n.attrs);
      attrs.putAll(n.movedAttrs);
      return Node.variable(n.name, attrs);
    }
    List<NodeEntry> inputs = new ArrayList<>();
    for (int i = 0; i < n.inputs.size(); i++) {
      RawEntry e = n.inputs.get(i);
      inputs.add(entry(built[e.node()], e, n.where() + " input " + i));
    }
    List<String> names = n.instance.inputNames();
    if (inputs.size() < names.size() && version < 900) {
      // Before 0.9 auxiliary states were not stored: create them as MXNet's upgrade does.
      for (int i = inputs.size(); i < names.size(); i++) {
        String varName = n.name.isEmpty() ? names.get(i) : n.name + "_" + names.get(i);
        inputs.add(new NodeEntry(Node.variable(varName, n.attrs), 0));
      }
    }
    List<Node> deps = new ArrayList<>();
    for (int d : n.controlDeps) {
      deps.add(built[d]);
    }
    try {
      return Node.operator(n.instance, n.name, n.attrs, inputs, deps);
    } catch (IllegalArgumentException e) {
      throw error(n.where() + ": " + e.getMessage());
    }
  }

  private NodeEntry entry(Node src, RawEntry e, String where) throws FormatException {
    if (e.index() >= src.numOutputs()) {
      throw error(where + ": refers to output " + e.index() + " of node " + e.node() + " '"
          + src.name() + "', which has " + src.numOutputs() + " output(s)");
    }
    return new NodeEntry(src, e.index(), e.version());
  }
}
