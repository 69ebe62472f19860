package org.kindling.symbol.graph;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.kindling.tensor.op.OpInstance;

/**
 * An immutable graph node: a variable (data input, parameter, label or auxiliary state) or an
 * operator applied to input entries. Nodes are compared by identity; inputs exist before the
 * node, so graphs built from nodes are acyclic by construction.
 *
 * <p>{@link #attrs()} are the node's attribute strings as MXNet keeps them: an operator's
 * parameters as given plus hidden {@code __x__} keys; for variables, whatever the file carried
 * (variables auto-created by an operator inherit its attributes, as MXNet's composition does).
 * Only hidden keys of variables carry meaning.
 */
public final class Node {
  private final String name;
  private final OpInstance<?> op;
  private final SortedMap<String, String> attrs;
  private final List<NodeEntry> inputs;
  private final List<Node> controlDeps;

  private Node(
      String name,
      OpInstance<?> op,
      Map<String, String> attrs,
      List<NodeEntry> inputs,
      List<Node> controlDeps) {
    this.name = Objects.requireNonNull(name, "name");
    this.op = op;
    this.attrs = Collections.unmodifiableSortedMap(new TreeMap<>(attrs));
    this.inputs = List.copyOf(inputs);
    this.controlDeps = List.copyOf(controlDeps);
  }

  /** A variable node. */
  public static Node variable(String name, Map<String, String> attrs) {
    return new Node(name, null, attrs, List.of(), List.of());
  }

  /**
   * An operator node.
   *
   * @throws IllegalArgumentException if the number of inputs differs from what the operator
   *     declares
   */
  public static Node operator(
      OpInstance<?> op,
      String name,
      Map<String, String> attrs,
      List<NodeEntry> inputs,
      List<Node> controlDeps) {
    Objects.requireNonNull(op, "op");
    List<String> names = op.inputNames();
    if (inputs.size() != names.size()) {
      throw new IllegalArgumentException(
          op.name() + " node '" + name + "' has " + inputs.size() + " inputs but needs "
              + names.size() + " " + names);
    }
    return new Node(name, op, attrs, inputs, controlDeps);
  }

  /** The node name. */
  public String name() {
    return name;
  }

  /** True for variables ({@code "op": "null"} in JSON). */
  public boolean isVariable() {
    return op == null;
  }

  /** The operator and its parameters; null for variables. */
  public OpInstance<?> op() {
    return op;
  }

  /** Attribute strings, sorted by key. */
  public SortedMap<String, String> attrs() {
    return attrs;
  }

  /** Input entries in the operator's input order (empty for variables). */
  public List<NodeEntry> inputs() {
    return inputs;
  }

  /** Extra ordering dependencies (kept for JSON round trips). */
  public List<Node> controlDeps() {
    return controlDeps;
  }

  /** Total outputs (1 for variables). */
  public int numOutputs() {
    return op == null ? 1 : op.numOutputs();
  }

  /** A short description for error messages: {@code 'fc1' (FullyConnected)}. */
  public String describe() {
    return "'" + name + "' (" + (op == null ? "variable" : op.name()) + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
