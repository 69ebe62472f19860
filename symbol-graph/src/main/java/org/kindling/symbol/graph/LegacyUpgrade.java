package org.kindling.symbol.graph;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.op.OpInstance;

/**
 * MXNet 1.9.1's {@code LoadLegacyJSON} passes (formats.md §4.2), run on the nodes reachable from
 * the heads in nnvm's DFS order, each only when the file is older than the pass:
 *
 * <ol>
 *   <li>before 1.9.0 (10900), hidden keys: attributes named like {@code ctx_group} or
 *       {@code lr_mult} become {@code __ctx_group__}, and {@code <input>_lr_mult} on an
 *       operator moves to the variable feeding that input ({@code UpgradeJSON_FixParsing});
 *   <li>always, parse every operator's parameters ({@code UpgradeJSON_Parse});
 *   <li>before 0.9.0 (900), create the missing trailing inputs (auxiliary states were not
 *       saved) as variables {@code <node>_<input>} with a copy of the node's attributes;
 *   <li>before 0.9.4 (904), give input variables their operator's initializer attributes
 *       ({@code FSetInputVarAttrOnCompose}: BatchNorm's moving statistics, prelu's gamma);
 *   <li>before 0.9.5 (905), drop argmax/argmin's {@code axis = -1}, the old spelling of "no
 *       axis".
 * </ol>
 *
 * <p>Kindling then requires every operator to have exactly the inputs it declares (MXNet only
 * fails later, at shape inference).
 */
final class LegacyUpgrade {
  /** MXNet 1.9.1's {@code kHiddenKeys}. */
  private static final List<String> HIDDEN_KEYS =
      List.of("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage");
  private static final int V0_9_0 = 900;
  private static final int V0_9_4 = 904;
  private static final int V0_9_5 = 905;

  private final String source;
  private final List<RawNode> raw;
  private final int version;

  private LegacyUpgrade(String source, List<RawNode> raw, int version) {
    this.source = source;
    this.raw = raw;
    this.version = version;
  }

  /**
   * Upgrades and parses the nodes reachable from {@code heads}, in place; variables created for
   * missing inputs are appended to {@code raw}.
   *
   * @param version the file's {@code mxnet_version} (800 when it has none)
   * @throws FormatException naming the node for bad parameters or input counts
   */
  static void apply(String source, List<RawNode> raw, List<RawNode.Entry> heads, int version)
      throws FormatException {
    new LegacyUpgrade(source, raw, version).run(RawNode.postOrder(raw, heads));
  }

  private void run(List<Integer> order) throws FormatException {
    if (version < SymbolJsonWriter.MXNET_VERSION) {
      for (int id : order) {
        fixHiddenKeys(raw.get(id));
      }
    }
    for (int id : order) {
      parse(raw.get(id));
    }
    for (int id : order) {
      if (version < V0_9_0) {
        addMissingInputs(raw.get(id));
      }
      checkInputCount(raw.get(id));
    }
    if (version < V0_9_4) {
      for (int id : order) {
        setInputVariableAttrs(raw.get(id));
      }
    }
    if (version < V0_9_5) {
      for (int id : order) {
        dropDefaultArgAxis(raw.get(id));
      }
    }
  }

  private FormatException error(RawNode n, String problem) {
    return new FormatException(source, -1, n.where() + ": " + problem);
  }

  /** Pass 1. Variables only rename; operators are parsed without the keys set aside. */
  private void fixHiddenKeys(RawNode n) throws FormatException {
    Map<String, String> stashed = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, String>> it = n.attrs.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, String> e = it.next();
      if (hiddenKeyIn(e.getKey()) != null) {
        stashed.put(e.getKey(), e.getValue());
        it.remove();
      }
    }
    parse(n);
    for (Map.Entry<String, String> kv : stashed.entrySet()) {
      if (!restoreHiddenKey(n, kv.getKey(), kv.getValue())) {
        n.attrs.put(kv.getKey(), kv.getValue());
      }
    }
  }

  /** The hidden key that {@code key} starts or ends with, as MXNet's {@code rfind} test, or null. */
  private static String hiddenKeyIn(String key) {
    for (String hk : HIDDEN_KEYS) {
      int pos = key.lastIndexOf(hk);
      if (pos == 0 || (pos > 0 && pos == key.length() - hk.length())) {
        return hk;
      }
    }
    return null;
  }

  /**
   * Places a set-aside key as MXNet does: {@code lr_mult} becomes {@code __lr_mult__};
   * {@code <input>_lr_mult} moves to the variable feeding that input of an operator. False if
   * the key goes back unchanged.
   */
  private boolean restoreHiddenKey(RawNode n, String key, String value) {
    for (String hk : HIDDEN_KEYS) {
      int pos = key.lastIndexOf(hk);
      if (pos == 0 && key.length() == hk.length()) {
        n.attrs.put("__" + hk + "__", value);
        return true;
      }
      if (pos > 1 && pos == key.length() - hk.length()) {
        return !n.isVariable() && moveToInput(n, key.substring(0, pos - 1), hk, value);
      }
    }
    return false;
  }

  private boolean moveToInput(RawNode n, String input, String hk, String value) {
    int idx = n.instance.inputNames().indexOf(input);
    if (idx < 0 || idx >= n.inputs.size()) {
      return false;
    }
    RawNode src = raw.get(n.inputs.get(idx).node());
    if (!src.isVariable()) {
      return false;
    }
    src.attrs.put("__" + hk + "__", value);
    return true;
  }

  /** Pass 2 (and part of pass 1): the operator's parameters from the attributes. */
  private void parse(RawNode n) throws FormatException {
    if (n.isVariable()) {
      return;
    }
    try {
      n.instance = OpInstance.parse(n.operator, n.name, n.attrs);
    } catch (IllegalArgumentException e) {
      // the operator's message repeats the node name; the cause is the bare problem
      Throwable why = e.getCause() instanceof IllegalArgumentException c ? c : e;
      throw error(n, why.getMessage());
    }
  }

  /** Pass 3. */
  private void addMissingInputs(RawNode n) {
    if (n.isVariable()) {
      return;
    }
    List<String> names = n.instance.inputNames();
    for (int i = n.inputs.size(); i < names.size(); i++) {
      String varName = n.name.isEmpty() ? names.get(i) : n.name + "_" + names.get(i);
      RawNode v = new RawNode(raw.size(), "null", varName);
      v.attrs.putAll(n.attrs);
      raw.add(v);
      n.inputs.add(new RawNode.Entry(v.id, 0, 0));
    }
  }

  private void checkInputCount(RawNode n) throws FormatException {
    if (n.isVariable()) {
      if (!n.inputs.isEmpty()) {
        throw error(n, "a variable (op \"null\") cannot have inputs");
      }
      return;
    }
    List<String> names = n.instance.inputNames();
    if (n.inputs.size() != names.size()) {
      throw error(n, "has " + n.inputs.size() + " inputs but the operator needs "
          + names.size() + " " + names);
    }
  }

  /** Pass 4. */
  private void setInputVariableAttrs(RawNode n) {
    if (n.isVariable()) {
      return;
    }
    for (int i = 0; i < n.inputs.size(); i++) {
      RawNode src = raw.get(n.inputs.get(i).node());
      Map<String, String> extra = n.instance.inputVariableAttrs(i);
      if (src.isVariable() && !extra.isEmpty() && !src.attrs.containsKey("__init__")) {
        src.attrs.putAll(extra);
      }
    }
  }

  /** Pass 5. */
  private void dropDefaultArgAxis(RawNode n) throws FormatException {
    if (n.isVariable() || !List.of("argmax", "argmin").contains(n.operator.name())
        || !"-1".equals(n.attrs.get("axis"))) {
      return;
    }
    n.attrs.remove("axis");
    parse(n);
  }
}
