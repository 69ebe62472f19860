package org.kindling.symbol.graph;

import java.util.List;
import java.util.Map;

/**
 * Writes symbol JSON exactly as MXNet 1.9.1's {@code nnvm::pass::SaveJSON} does (formats.md
 * §4.1): keys {@code nodes, arg_nodes, node_row_ptr, heads, attrs}; node keys {@code op, name,
 * attrs} (sorted, omitted when empty; multi-line with more than one key) and {@code inputs};
 * {@code "mxnet_version": ["int", 10900]}; dmlc's 2-space layout; no trailing newline.
 */
public final class SymbolJsonWriter {
  /** The version MXNet 1.9.1 writes. */
  public static final int MXNET_VERSION = 10900;

  private SymbolJsonWriter() {}

  /** The JSON text of the graph. */
  public static String write(Graph g) {
    DmlcJsonWriter w = new DmlcJsonWriter();
    w.beginObject(true);
    w.key("nodes");
    w.beginArray(true);
    for (Node n : g.nodes()) {
      w.item();
      writeNode(w, g, n);
    }
    w.endArray();
    w.key("arg_nodes");
    int[] args = g.nodes().stream().filter(Node::isVariable).mapToInt(g::nodeId).toArray();
    w.intArray(args);
    w.key("node_row_ptr");
    w.intArray(g.rowPtr());
    w.key("heads");
    writeEntries(w, g, g.outputs());
    w.key("attrs");
    w.beginObject(false);
    w.key("mxnet_version");
    w.beginArray(false);
    w.item();
    w.string("int");
    w.item();
    w.number(MXNET_VERSION);
    w.endArray();
    w.endObject();
    w.endObject();
    return w.toString();
  }

  private static void writeNode(DmlcJsonWriter w, Graph g, Node n) {
    w.beginObject(true);
    w.key("op");
    w.string(n.isVariable() ? "null" : n.op().name());
    w.key("name");
    w.string(n.name());
    if (!n.attrs().isEmpty()) {
      w.key("attrs");
      w.beginObject(n.attrs().size() > 1);
      for (Map.Entry<String, String> e : n.attrs().entrySet()) {
        w.key(e.getKey());
        w.string(e.getValue());
      }
      w.endObject();
    }
    w.key("inputs");
    writeEntries(w, g, n.inputs());
    if (!n.controlDeps().isEmpty()) {
      w.key("control_deps");
      w.intArray(n.controlDeps().stream().mapToInt(g::nodeId).toArray());
    }
    w.endObject();
  }

  private static void writeEntries(DmlcJsonWriter w, Graph g, List<NodeEntry> entries) {
    w.beginArray(entries.size() > 10);
    for (NodeEntry e : entries) {
      w.item();
      w.beginArray(false);
      w.item();
      w.number(g.nodeId(e.node()));
      w.item();
      w.number(e.index());
      w.item();
      w.number(e.version());
      w.endArray();
    }
    w.endArray();
  }
}
