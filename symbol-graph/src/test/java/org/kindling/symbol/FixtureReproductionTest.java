package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.module.Module;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.io.ParamsFile;
import org.kindling.tensor.op.GradReq;

/**
 * Reproduces real MXNet 1.9.1 output from the legacy go_test checkpoint (MXNet 0.9.4 symbol with
 * {@code attr} keys and Reshape; legacy-layout params).
 */
class FixtureReproductionTest {
  /** The 10x10 expected softmax and the input from the first line of the expected file. */
  private static float[][] expected() throws Exception {
    List<String> lines = Files.readAllLines(Fixtures.mxnet("expected_outputs_mxnet-1.9.1.txt"));
    String first = lines.get(0);
    String[] inputs = first.substring(first.lastIndexOf('[') + 1, first.lastIndexOf(']'))
        .split(",");
    float[] input = new float[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      input[i] = Float.parseFloat(inputs[i].trim());
    }
    List<Float> out = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      for (String v : line.trim().split("\\s+")) {
        out.add(Float.parseFloat(v));
      }
    }
    float[] o = new float[out.size()];
    for (int i = 0; i < o.length; i++) {
      o[i] = out.get(i);
    }
    return new float[][] {input, o};
  }

  @Test
  void legacySymbolAndParamsReproduceMxnetOutputThroughAnExecutor() throws Exception {
    Symbol s = Symbol.load(Fixtures.mxnet("go_test-symbol.json"));
    assertThat(s.listArguments())
        .containsExactly("data", "pred_weight", "pred_bias", "softmax_label");
    assertThat(s.listOutputs()).containsExactly("softmax_output");
    InferredShapes shapes = s.inferShape(
        Map.of("data", Shape.of(1, 10), "softmax_label", Shape.of(1, 10)));
    assertThat(shapes.argument("pred_weight")).isEqualTo(Shape.of(10, 1));
    assertThat(shapes.argument("pred_bias")).isEqualTo(Shape.of(10));
    assertThat(shapes.outputs()).containsExactly(Shape.of(10, 10));

    Map<String, NDArray> params =
        ParamsFile.read(Fixtures.mxnet("go_test-0001.params")).asMap();
    float[][] exp = expected();
    Executor ex = s.simpleBind(
        Map.of("data", Shape.of(1, 10), "softmax_label", Shape.of(1, 10)), GradReq.NULL);
    ex.argDict().get("data").set(exp[0]);
    params.get("arg:pred_weight").copyTo(ex.argDict().get("pred_weight"));
    params.get("arg:pred_bias").copyTo(ex.argDict().get("pred_bias"));
    ex.forward(false);
    float[] out = ex.outputs().get(0).toFloatArray();
    assertThat(out).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat((double) out[i]).as("output[%d]", i).isCloseTo(exp[1][i], within(1e-6));
    }
  }

  @Test
  void legacyCheckpointReproducesMxnetOutputThroughAModule() throws Exception {
    Module m = Module.loadCheckpoint(Fixtures.mxnet("go_test"), 1);
    m.bind(Shape.of(1, 10), Shape.of(1, 10), false);
    m.initParams(null);
    float[][] exp = expected();
    m.forward(new DataBatch(List.of(NDArray.of(exp[0], Shape.of(1, 10))), List.of(), 0), false);
    float[] out = m.outputs().get(0).toFloatArray();
    for (int i = 0; i < 100; i++) {
      assertThat((double) out[i]).as("output[%d]", i).isCloseTo(exp[1][i], within(1e-6));
    }
  }
}
