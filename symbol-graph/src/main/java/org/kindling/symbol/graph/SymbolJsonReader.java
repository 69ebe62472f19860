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
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.FormatException;

/**
 * Reads symbol JSON written by any MXNet version from 0.8 on (formats.md §4): the keys of every
 * version ({@code attrs}, 0.9's {@code attr}, 0.8's {@code param} and {@code
 * backward_source_id}; entries of two or three numbers; no version meaning 0.8.0), then MXNet's
 * upgrade passes ({@link LegacyUpgrade}). Aliases resolve to canonical operators. {@code
 * node_row_ptr} and {@code arg_nodes} are checked for form and recomputed, never trusted.
 * Attributes of variables are kept but not interpreted, except hidden ones.
 *
 * <p>Malformed JSON, unknown operators or parameters, bad parameter values, wrong input counts,
 * dangling ids or output indices and cycles raise a {@link FormatException} naming the source
 * and the node.
 */
public final class SymbolJsonReader {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Set<String> TOP_KEYS =
      Set.of("nodes", "arg_nodes", "node_row_ptr", "heads", "attrs", "metadata");
  private static final Set<String> NODE_KEYS =
      Set.of("op", "name", "inputs", "attrs", "attr", "param", "control_deps",
          "backward_source_id");
  /** Files without a version are MXNet 0.8.0. */
  private static final int DEFAULT_VERSION = 800;

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
    checkArgNodes(root.get("arg_nodes"), raw);
    checkRowPtr(root.get("node_row_ptr"));
    JsonNode headsJson = root.get("heads");
    if (headsJson == null || !headsJson.isArray()) {
      throw error("\"heads\" must be an array");
    }
    List<RawNode.Entry> heads = new ArrayList<>();
    for (int i = 0; i < headsJson.size(); i++) {
      heads.add(readEntry(headsJson.get(i), "head " + i, raw.size()));
    }
    if (heads.isEmpty()) {
      throw error("\"heads\" is empty: a symbol needs at least one output");
    }
    for (RawNode n : raw) {
      resolveOperator(n);
    }
    checkAcyclic(raw);
    LegacyUpgrade.apply(source, raw, heads, version);
    Node[] built = new Node[raw.size()];
    for (int id : RawNode.postOrder(raw, heads)) {
      built[id] = create(raw.get(id), built);
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
    if (j == null || !j.isObject()) {
      throw error("node " + id + ": a node must be an object");
    }
    JsonNode name = j.get("name");
    if (name == null || !name.isTextual()) {
      throw error("node " + id + ": \"name\" must be a string");
    }
    JsonNode op = j.get("op");
    if (op == null || !op.isTextual()) {
      throw error("node " + id + " '" + name.asText() + "': \"op\" must be a string");
    }
    RawNode n = new RawNode(id, op.asText(), name.asText());
    Map<String, String> param = Map.of();
    for (Map.Entry<String, JsonNode> f : j.properties()) {
      String k = f.getKey();
      if (!NODE_KEYS.contains(k)) {
        throw error(n.where() + ": unknown key \"" + k + "\"");
      }
      if (k.equals("attrs") || k.equals("attr")) {
        // nnvm reads both keys into the same map, so the later one replaces the earlier
        n.attrs.clear();
        n.attrs.putAll(readAttrs(n, k, f.getValue()));
      } else if (k.equals("param")) {
        param = readAttrs(n, k, f.getValue());
      }
    }
    // 0.8's parameters are added last and never replace an attribute of the same name
    param.forEach(n.attrs::putIfAbsent);
    JsonNode inputs = j.get("inputs");
    if (inputs == null || !inputs.isArray()) {
      throw error(n.where() + ": \"inputs\" must be an array");
    }
    for (int i = 0; i < inputs.size(); i++) {
      n.inputs.add(readEntry(inputs.get(i), n.where() + " input " + i, count));
    }
    JsonNode deps = j.get("control_deps");
    if (deps != null) {
      for (int d : readIds(deps, n.where() + ": \"control_deps\"", count)) {
        n.controlDeps.add(d);
      }
    }
    return n;
  }

  private Map<String, String> readAttrs(RawNode n, String key, JsonNode attrs)
      throws FormatException {
    if (!attrs.isObject()) {
      throw error(n.where() + ": \"" + key + "\" must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> a : attrs.properties()) {
      if (!a.getValue().isTextual()) {
        throw error(n.where() + ": attribute \"" + a.getKey() + "\" must be a string, got "
            + a.getValue());
      }
      out.put(a.getKey(), a.getValue().asText());
    }
    return out;
  }

  private RawNode.Entry readEntry(JsonNode j, String where, int count) throws FormatException {
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
    return new RawNode.Entry(node, j.get(1).asInt(), j.size() == 3 ? j.get(2).asInt() : 0);
  }

  /** An array of node ids in {@code [0, count)}. */
  private int[] readIds(JsonNode j, String what, int count) throws FormatException {
    if (!j.isArray()) {
      throw error(what + " must be an array of node ids, got " + j);
    }
    int[] ids = new int[j.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode d = j.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 0 || d.asInt() >= count) {
        throw error(what + ": " + d + " is not a node id in [0, " + count + ")");
      }
      ids[i] = d.asInt();
    }
    return ids;
  }

  /**
   * {@code arg_nodes}, which MXNet requires, must name variables (MXNet checks that too); the
   * list itself is recomputed from the graph, so a file without it is read all the same.
   */
  private void checkArgNodes(JsonNode argNodes, List<RawNode> raw) throws FormatException {
    if (argNodes == null) {
      return;
    }
    for (int id : readIds(argNodes, "\"arg_nodes\"", raw.size())) {
      if (!raw.get(id).isVariable()) {
        throw error("\"arg_nodes\" lists " + raw.get(id).where()
            + ", which is an operator, not a variable");
      }
    }
  }

  /**
   * {@code node_row_ptr} must be an array of non-negative integers, as MXNet reads it; its
   * values are ignored: they count hidden outputs, which depend on the build that wrote the file
   * (max pooling has two outputs with MKLDNN, one without).
   */
  private void checkRowPtr(JsonNode rowPtr) throws FormatException {
    if (rowPtr == null) {
      return;
    }
    if (!rowPtr.isArray()) {
      throw error("\"node_row_ptr\" must be an array of integers, got " + rowPtr);
    }
    for (JsonNode v : rowPtr) {
      if (!v.isIntegralNumber() || v.asLong() < 0) {
        throw error("\"node_row_ptr\" must hold non-negative integers, got " + v);
      }
    }
  }

  /** Resolves every node's operator, reachable or not, as MXNet's loader does. */
  private void resolveOperator(RawNode n) throws FormatException {
    if (n.isVariable()) {
      return;
    }
    Optional<OpDef<?>> op = OpRegistry.find(n.op);
    if (op.isEmpty()) {
      throw error(n.where() + ": unknown operator '" + n.op + "' (Kindling has "
          + OpRegistry.all().size() + " operators; `kindling ops` lists them)");
    }
    n.operator = op.get();
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

  /** Builds one upgraded node; its inputs were built before it (post-order). */
  private Node create(RawNode n, Node[] built) throws FormatException {
    if (n.isVariable()) {
      return Node.variable(n.name, n.attrs);
    }
    List<NodeEntry> inputs = new ArrayList<>();
    for (int i = 0; i < n.inputs.size(); i++) {
      RawNode.Entry e = n.inputs.get(i);
      inputs.add(entry(built[e.node()], e, n.where() + " input " + i));
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

  private NodeEntry entry(Node src, RawNode.Entry e, String where) throws FormatException {
    if (e.index() >= src.numOutputs()) {
      throw error(where + ": refers to output " + e.index() + " of node " + e.node() + " '"
          + src.name() + "', which has " + src.numOutputs() + " output(s)");
    }
    return new NodeEntry(src, e.index(), e.version());
  }
}
