package org.kindling.symbol.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.OpInstance;

/**
 * One node of a symbol file as read, before {@link Node}s are built: mutable, so that MXNet's
 * upgrade passes ({@link LegacyUpgrade}) can edit attributes and add inputs, as they edit
 * nnvm's nodes in place.
 */
final class RawNode {
  /** An input or head as written: node id, output index, version. */
  record Entry(int node, int index, int version) {}

  final int id;
  final String op;
  final String name;
  final Map<String, String> attrs = new LinkedHashMap<>();
  final List<Entry> inputs = new ArrayList<>();
  final List<Integer> controlDeps = new ArrayList<>();
  /** The operator; null for a variable ({@code "op": "null"}). */
  OpDef<?> operator;
  /** The operator with its parsed parameters; set by the parse pass. */
  OpInstance<?> instance;

  RawNode(int id, String op, String name) {
    this.id = id;
    this.op = op;
    this.name = name;
  }

  boolean isVariable() {
    return op.equals("null");
  }

  /** {@code node 3 'fc1' (FullyConnected)}, for error messages. */
  String where() {
    return "node " + id + " '" + name + "'" + (isVariable() ? "" : " (" + op + ")");
  }

  /** Inputs plus control dependencies: the nodes that must exist before this one. */
  int degree() {
    return inputs.size() + controlDeps.size();
  }

  /** The id of dependency {@code k} in {@code [0, degree())}: inputs first, then controls. */
  int dependency(int k) {
    return k < inputs.size() ? inputs.get(k).node() : controlDeps.get(k - inputs.size());
  }

  /**
   * The ids of the nodes reachable from {@code heads} in nnvm's DFS post-order (inputs, then
   * control dependencies, before the node): the order MXNet's passes visit nodes in. The graph
   * must be acyclic.
   */
  static List<Integer> postOrder(List<RawNode> raw, List<Entry> heads) {
    List<Integer> order = new ArrayList<>();
    boolean[] visited = new boolean[raw.size()];
    List<int[]> stack = new ArrayList<>();
    for (Entry h : heads) {
      if (visited[h.node()]) {
        continue;
      }
      visited[h.node()] = true;
      stack.add(new int[] {h.node(), 0});
      while (!stack.isEmpty()) {
        int[] top = stack.get(stack.size() - 1);
        RawNode n = raw.get(top[0]);
        if (top[1] == n.degree()) {
          order.add(top[0]);
          stack.remove(stack.size() - 1);
        } else {
          int next = n.dependency(top[1]++);
          if (!visited[next]) {
            visited[next] = true;
            stack.add(new int[] {next, 0});
          }
        }
      }
    }
    return order;
  }
}
