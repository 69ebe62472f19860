package org.kindling.symbol.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.NoParams;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.math.MathOps;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.Shape;

class GraphTest {
  @Test
  void nodesAreInDfsPostOrderAndEntriesUseRowPointers() {
    Node a = Node.variable("a", Map.of());
    Node b = Node.variable("b", Map.of());
    OpInstance<NoParams> add = OpInstance.of(MathOps.ELEMWISE_ADD, NoParams.NONE);
    Node sum = Node.operator(add, "sum", Map.of(),
        List.of(new NodeEntry(a, 0), new NodeEntry(b, 0)), List.of());
    Node twice = Node.operator(add, "twice", Map.of(),
        List.of(new NodeEntry(sum, 0), new NodeEntry(a, 0)), List.of());
    Graph g = Graph.of(List.of(new NodeEntry(twice, 0)));
    assertThat(g.nodes()).containsExactly(a, b, sum, twice);
    assertThat(g.rowPtr()).containsExactly(0, 1, 2, 3, 4);
    assertThat(g.entryId(new NodeEntry(sum, 0))).isEqualTo(2);
    assertThat(g.argumentNames()).containsExactly("a", "b");
    assertThat(g.outputNames()).containsExactly("twice_output");
  }

  @Test
  void shapeInferenceFillsEveryEntry() {
    Node a = Node.variable("a", Map.of());
    Node b = Node.variable("b", Map.of("__shape__", "(2, 0)"));
    Node sum = Node.operator(OpInstance.of(MathOps.ELEMWISE_ADD, NoParams.NONE),
        "sum", Map.of(), List.of(new NodeEntry(a, 0), new NodeEntry(b, 0)), List.of());
    Graph g = Graph.of(List.of(new NodeEntry(sum, 0)));
    Shape[] shapes = ShapeInference.infer(g, Map.of("a", Shape.of(2, 5)));
    assertThat(shapes).containsExactly(Shape.of(2, 5), Shape.of(2, 5), Shape.of(2, 5));
    assertThat(ShapeInference.infer(g, Map.of())).containsOnlyNulls();
  }
}
