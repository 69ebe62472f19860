package org.kindling.symbol.graph;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.kindling.tensor.op.OpInstance;
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
   * @param newArray a new array of unknown values
   * @param slots the slots over a node's input and output values and names
   * @param infer runs an operator's inference on its slots
   * @param inputsNote what a failure message adds about the node's inputs (may be empty)
   */
  record Rule<T, S extends Slots<T>>(IntFunction<T[]> newArray, SlotsFactory<T, S> slots,
      BiConsumer<OpInstance<?>, S> infer, BiFunction<Node, T[], String> inputsNote) {}

  /** A slots constructor ({@code ShapeSlots::new}). */
  interface SlotsFactory<T, S extends Slots<T>> {
    S of(T[] in, T[] out, List<String> inNames, List<String> outNames);
  }

  /**
   * Seeds the variables (their {@code known} value by name, else their {@code hint}) and sweeps
   * until nothing changes.
   *
   * @return a value per entry ({@link Graph#entryId}), null where unknown
   * @throws IllegalArgumentException naming the node if values conflict
   */
  static <T> T[] infer(Graph graph, Map<String, T> known, Function<Node, T> hint, Rule<T, ?> rule) {
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
  static <T> void untilStable(Graph graph, T[] values, Rule<T, ?> rule) {
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

  private static <T, S extends Slots<T>> boolean visit(Graph graph, int id, T[] values,
      Rule<T, S> rule) {
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
    S slots = infer(n, in, out, rule);
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
        throw new IllegalArgumentException(slots.kind() + " inference failed at node "
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

  /** Runs node {@code n}'s operator on its values; failures name the node. */
  private static <T, S extends Slots<T>> S infer(Node n, T[] in, T[] out, Rule<T, S> rule) {
    S slots = rule.slots().of(in, out, n.op().inputNames(), n.op().outputNames());
    try {
      rule.infer().accept(n.op(), slots);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(slots.kind() + " inference failed at node "
          + n.describe() + ": " + e.getMessage() + rule.inputsNote().apply(n, in), e);
    }
    return slots;
  }
}
