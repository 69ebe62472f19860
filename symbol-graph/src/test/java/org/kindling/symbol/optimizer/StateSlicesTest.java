package org.kindling.symbol.optimizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.optimizer.StateSlices.Slice;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/**
 * A states file cut into owners' files and joined back is the same file; the owners' files load
 * into optimizers; files that do not fit together are refused naming the parameter.
 */
class StateSlicesTest {
  private static final Shape W = Shape.of(2, 3);
  private static final Shape B = Shape.of(3);
  /** The weight's 6 elements cut at 4 between owners 0 and 1; the bias whole to owner 1. */
  private static final StateSlices.Slicer SLICER = (key, size) -> key.equals("fc1_weight")
      ? List.of(new Slice(0, 0, 4), new Slice(1, 4, size)) : List.of(new Slice(1, 0, size));

  private static byte[] trained(String spec) {
    Optimizer opt = Optimizers.fromSpec(spec);
    Random r = new Random(3);
    try (NDArray w = NDArray.of(OptimizersMatchPythonTest.values(r, 6, 1), W);
        NDArray b = NDArray.of(OptimizersMatchPythonTest.values(r, 3, 1), B)) {
      for (int i = 0; i < 3; i++) {
        try (NDArray gw = NDArray.of(OptimizersMatchPythonTest.values(r, 6, 2), W);
            NDArray gb = NDArray.of(OptimizersMatchPythonTest.values(r, 3, 2), B)) {
          opt.update("fc1_weight", w, gw);
          opt.update("fc1_bias", b, gb);
        }
      }
      return opt.saveStates();
    }
  }

  /** The file's entries, each name with its array's shape. */
  private static Map<String, Shape> shapes(byte[] states) throws Exception {
    Map<String, Shape> out = new LinkedHashMap<>();
    try (ParamsFile.Contents c = ParamsFile.read(states, "states")) {
      for (int i = 0; i < c.names().size(); i++) {
        out.put(c.names().get(i), c.arrays().get(i).shape());
      }
    }
    return out;
  }

  private static Shape shapeOf(String key) {
    return key.equals("fc1_weight") ? W : B;
  }

  @Test
  void adamStatesCutInTwoAndJoinedAreTheSameFileAndEachPartLoads() throws Exception {
    byte[] whole = trained("adam learning_rate=0.01");
    byte[][] parts = StateSlices.split(whole, 2, SLICER);
    assertThat(shapes(parts[0])).containsOnlyKeys("meta:optimizer", "meta:num_update",
        "count:fc1_weight", "state:fc1_weight:0", "state:fc1_weight:1");
    assertThat(shapes(parts[0]).get("state:fc1_weight:0")).isEqualTo(Shape.of(4));
    assertThat(shapes(parts[1]).get("state:fc1_bias:1")).isEqualTo(B);
    for (byte[] part : parts) {
      Optimizers.fromSpec("adam learning_rate=0.01").loadStates(part);
    }
    byte[] joined = StateSlices.join(List.of(parts), StateSlicesTest::shapeOf, SLICER);
    assertThat(joined).isEqualTo(whole);
    assertThat(StateSlices.parameters(joined)).containsExactly("fc1_bias", "fc1_weight");
  }

  @Test
  void countsOfParametersWithoutStatesGoToEveryOwner() throws Exception {
    byte[] whole = trained("sgd learning_rate=0.1");
    byte[][] parts = StateSlices.split(whole, 2, SLICER);
    assertThat(shapes(parts[0])).containsKeys("count:fc1_weight", "count:fc1_bias");
    assertThat(shapes(parts[1])).containsKeys("count:fc1_weight", "count:fc1_bias");
    assertThat(StateSlices.join(List.of(parts), StateSlicesTest::shapeOf, SLICER))
        .isEqualTo(whole);
  }

  @Test
  void ownersThatDisagreeOrMissTheirSliceAreRefusedNamingTheParameter() {
    byte[] three = trained("adam learning_rate=0.01");
    byte[][] parts = StateSlices.split(three, 2, SLICER);
    Optimizer fresh = Optimizers.fromSpec("adam learning_rate=0.01");
    try (NDArray w = NDArray.zeros(Shape.of(2)); NDArray g = NDArray.zeros(Shape.of(2))) {
      fresh.update("fc1_weight", w, g); // one update, and a slice of 2 elements, not 2 of 6
    }
    assertThatThrownBy(() -> StateSlices.join(List.of(parts[0], fresh.saveStates()),
        StateSlicesTest::shapeOf, SLICER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shard 1 counts 1 updates of 'fc1_weight' but another shard 3");
    byte[][] noCount = StateSlices.split(three, 2, SLICER);
    assertThatThrownBy(() -> StateSlices.join(List.of(noCount[0], noCount[0]),
        StateSlicesTest::shapeOf, SLICER))
        .hasMessageContaining("shard 1 holds 4 elements of 'state:fc1_weight:0' but owns"
            + " elements [4, 6) of 'fc1_weight' (2, 3)");
    assertThatThrownBy(() -> StateSlices.split("not a states file".getBytes(), 2, SLICER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optimizer states");
  }
}
