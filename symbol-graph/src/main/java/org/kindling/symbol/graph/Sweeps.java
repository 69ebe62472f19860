package org.kindling.symbol.graph;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.kindling.tensor.op.Slots;

/**
 * The sweeps of nnvm's inference passes ({@link ShapeInference}, {@link TypeInference}): every
 * node, forward then backward, lets its operator fill the slots it can, until a sweep changes
 * nothing. Values inferred for an entry are written back; one that conflicts with the entry's
 * value is reported naming the node and input.
 */
final class Sweeps {
  private Sweeps() {}

  /**
   * What one pass infers and how.
   *
   * @param kind what is inferred, for messages: {@code shape} or {@code type}
   * @param newArray a new array of unknown values
   * @param infer runs a node's operator on its input and output values (modified in place) and
   *     returns the slots it filled
   * @param inputsNote what a failure message adds about the node's inputs (may be empty)
   */
  record Rule<T>(String kind, IntFunction<T[]> newArray, Infer<T> infer, Note<T> inputsNote) {}

  /** Runs a node's operator on its values. */
  interface Infer<T> {
    Slots<T> apply(Node n, T[] in, T[] out);
  }

  /** Describes a node's input values. */
  interface Note<T> {
    String of(Node n, T[] in);
  }

  /**
   * Seeds the variables (their {@code known} value by name, else their {@code hint}) and sweeps
   * until nothing changes.
   *
   * @return a value per entry ({@link Graph#entryId}), null where unknown
   * @throws IllegalArgumentException naming the node if values conflict
   */
  static <T> T[] infer(Graph graph, Map<String, T> known, Function<Node, T> hint, Rule<T> rule) {
    T[] values = rule.newArray().apply(graph.numEntries());
    for (int id = 0; id < graph.numNodes(); id++) {
      Node n = graph.node(id);
      if (n.isVariable()) {
        T v = known.get(n.name());
        values[graph.entryId(id, 0)] = v != null ? v : hint.apply(n);
      }
    }
    untilStable(graph, values, rule);
    return values;
  }

  /**
   * Sweeps until nothing changes.
   *
   * @param values a value per entry ({@link Graph#entryId}), null where unknown; filled in
   * @throws IllegalArgumentException naming the node if values conflict
   */
  static <T> void untilStable(Graph graph, T[] values, Rule<T> rule) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int id = 0; id < graph.numNodes(); id++) {
        changed |= visit(graph, id, values, rule);
      }
      for (int id = graph.numNodes() - 1; id >= 0; id--) {
        changed |= visit(graph, id, values, rule);
      }
    }
  }

  private static <T> boolean visit(Graph graph, int id, T[] values, Rule<T> rule) {
    Node n = graph.node(id);
    if (n.isVariable()) {
      return false;
    }
    List<NodeEntry> inputs = n.inputs();
    T[] in = rule.newArray().apply(inputs.size());
    for (int i = 0; i < in.length; i++) {
      in[i] = values[graph.entryId(inputs.get(i))];
    }
    T[] out = rule.newArray().apply(n.numOutputs());
    for (int k = 0; k < out.length; k++) {
      out[k] = values[graph.entryId(id, k)];
    }
    Slots<T> slots;
    try {
      slots = rule.infer().apply(n, in, out);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(rule.kind() + " inference failed at node "
          + n.describe() + ": " + e.getMessage() + rule.inputsNote().of(n, in), e);
    }
    if (!slots.changed()) {
      return false;
    }
    boolean changed = false;
    for (int i = 0; i < in.length; i++) {
      int e = graph.entryId(inputs.get(i));
      if (values[e] == null && in[i] != null) {
        values[e] = in[i];
        changed = true;
      } else if (in[i] != null && !in[i].equals(values[e])) {
        throw new IllegalArgumentException(rule.kind() + " inference failed at node "
            + n.describe() + ": input '" + n.op().inputNames().get(i) + "' is "
            + slots.describe(values[e]) + " but " + slots.describe(in[i]) + " is required");
      }
    }
    for (int k = 0; k < out.length; k++) {
      int e = graph.entryId(id, k);
      if (values[e] == null && out[k] != null) {
        values[e] = out[k];
        changed = true;
      }
    }
    return changed;
  }
}
