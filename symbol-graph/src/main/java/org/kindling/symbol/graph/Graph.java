package org.kindling.symbol.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An indexed view of the graph reachable from some output entries: nodes numbered in MXNet's
 * DFS post-order (inputs, then control dependencies, before the node), so every node's inputs
 * have smaller ids; entries numbered by {@code rowPtr[node] + index}.
 *
 * <p>Variable names must be unique within a graph (binding is by name).
 */
public final class Graph {
  private final List<NodeEntry> outputs;
  private final List<Node> nodes;
  private final Map<Node, Integer> ids;
  private final int[] rowPtr;
  private final boolean[] mutable;

  private Graph(List<NodeEntry> outputs, List<Node> nodes) {
    this.outputs = List.copyOf(outputs);
    this.nodes = Collections.unmodifiableList(nodes);
    this.ids = new IdentityHashMap<>();
    this.rowPtr = new int[nodes.size() + 1];
    for (int i = 0; i < nodes.size(); i++) {
      ids.put(nodes.get(i), i);
      rowPtr[i + 1] = rowPtr[i] + nodes.get(i).numOutputs();
    }
    this.mutable = new boolean[nodes.size()];
    for (Node n : nodes) {
      if (!n.isVariable()) {
        for (int i : n.op().mutableInputs()) {
          mutable[ids.get(n.inputs().get(i).node())] = true;
        }
      }
    }
    Map<String, Node> seen = new HashMap<>();
    for (Node n : nodes) {
      if (n.isVariable()) {
        Node prev = seen.putIfAbsent(n.name(), n);
        if (prev != null) {
          throw new IllegalArgumentException(
              "two different variables are named '" + n.name() + "'; variable names must be "
                  + "unique within a symbol");
        }
      }
    }
  }

  /** The graph of everything reachable from {@code outputs}. */
  public static Graph of(List<NodeEntry> outputs) {
    return new Graph(outputs, postOrder(outputs));
  }

  /** MXNet's iterative post-order DFS: inputs first, then control deps, then the node. */
  private static List<Node> postOrder(List<NodeEntry> heads) {
    List<Node> order = new ArrayList<>();
    Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Node> stack = new ArrayDeque<>();
    Deque<Integer> next = new ArrayDeque<>();
    for (NodeEntry head : heads) {
      if (!visited.add(head.node())) {
        continue;
      }
      stack.push(head.node());
      next.push(0);
      while (!stack.isEmpty()) {
        Node n = stack.peek();
        int k = next.pop();
        int degree = n.inputs().size() + n.controlDeps().size();
        if (k == degree) {
          order.add(n);
          stack.pop();
        } else {
          next.push(k + 1);
          Node in = k < n.inputs().size()
              ? n.inputs().get(k).node()
              : n.controlDeps().get(k - n.inputs().size());
          if (visited.add(in)) {
            stack.push(in);
            next.push(0);
          }
        }
      }
    }
    return order;
  }

  /** The output entries (heads). */
  public List<NodeEntry> outputs() {
    return outputs;
  }

  /** Nodes in topological (DFS post-) order. */
  public List<Node> nodes() {
    return nodes;
  }

  /** Number of nodes. */
  public int numNodes() {
    return nodes.size();
  }

  /** The node with id {@code id}. */
  public Node node(int id) {
    return nodes.get(id);
  }

  /** The id of {@code n}. */
  public int nodeId(Node n) {
    Integer id = ids.get(n);
    if (id == null) {
      throw new IllegalArgumentException("node " + n + " is not in this graph");
    }
    return id;
  }

  /** Total number of entries (outputs of all nodes). */
  public int numEntries() {
    return rowPtr[nodes.size()];
  }

  /** The global id of an entry: {@code rowPtr[node] + index}. */
  public int entryId(NodeEntry e) {
    return rowPtr[nodeId(e.node())] + e.index();
  }

  /** The global id of output {@code index} of node {@code nodeId}. */
  public int entryId(int nodeId, int index) {
    return rowPtr[nodeId] + index;
  }

  /** MXNet's {@code node_row_ptr}: prefix sums of output counts, length nodes+1. */
  public int[] rowPtr() {
    return rowPtr.clone();
  }

  /** True if variable {@code nodeId} feeds a mutable input (an auxiliary state). */
  public boolean isAuxiliary(int nodeId) {
    return mutable[nodeId];
  }

  /** Ids of argument variables (not auxiliary), in DFS order: {@code list_arguments}. */
  public List<Integer> argumentIds() {
    return variableIds(false);
  }

  /** Ids of auxiliary-state variables, in DFS order: {@code list_auxiliary_states}. */
  public List<Integer> auxiliaryIds() {
    return variableIds(true);
  }

  /** Names of the argument variables. */
  public List<String> argumentNames() {
    return names(argumentIds());
  }

  /** Names of the auxiliary-state variables. */
  public List<String> auxiliaryNames() {
    return names(auxiliaryIds());
  }

  private List<Integer> variableIds(boolean auxiliary) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).isVariable() && mutable[i] == auxiliary) {
        out.add(i);
      }
    }
    return out;
  }

  private List<String> names(List<Integer> ids) {
    List<String> out = new ArrayList<>();
    for (int id : ids) {
      out.add(nodes.get(id).name());
    }
    return out;
  }

  /** Output names as MXNet's {@code list_outputs}: {@code <node>_<output>}, or a variable's name. */
  public List<String> outputNames() {
    List<String> out = new ArrayList<>();
    for (NodeEntry e : outputs) {
      Node n = e.node();
      if (n.isVariable()) {
        out.add(n.name());
      } else {
        String oname = n.op().outputNames().get(e.index());
        out.add(n.name().isEmpty() ? oname : n.name() + "_" + oname);
      }
    }
    return out;
  }
}
