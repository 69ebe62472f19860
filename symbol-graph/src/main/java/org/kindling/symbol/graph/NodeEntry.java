package org.kindling.symbol.graph;

import java.util.Objects;

/**
 * One output of a node, as MXNet's {@code NodeEntry}: the node, the output index, and the
 * version (0 for normal reads, ≥1 for mutable inputs; kept for JSON round trips). Equality is
 * node identity plus index and version.
 *
 * @param node the producing node
 * @param index the output index, in {@code [0, node.numOutputs())}
 * @param version the JSON version field
 */
public record NodeEntry(Node node, int index, int version) {
  public NodeEntry {
    Objects.requireNonNull(node, "node");
    if (index < 0 || index >= node.numOutputs()) {
      throw new IllegalArgumentException(
          "output index " + index + " out of range for node '" + node.name() + "' with "
              + node.numOutputs() + " outputs");
    }
    if (version < 0) {
      throw new IllegalArgumentException("negative version " + version);
    }
  }

  /** Output {@code index} of {@code node}, version 0. */
  public NodeEntry(Node node, int index) {
    this(node, index, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeEntry e && e.node == node && e.index == index && e.version == version;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(node) * 31 + index * 7 + version;
  }

  @Override
  public String toString() {
    return node.name() + "[" + index + "]";
  }
}
