package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.Shape;

class SymbolTest {
  static Symbol mlp784() {
    Symbol data = Symbol.variable("data");
    Symbol h = Symbol.activation("relu1", Symbol.fullyConnected("fc1", data, 256), ActType.RELU);
    h = Symbol.activation("relu2", Symbol.fullyConnected("fc2", h, 128), ActType.RELU);
    return Symbol.softmaxOutput("softmax", Symbol.fullyConnected("fc3", h, 10));
  }

  @Test
  void listsArgumentsInDfsOrderAndOutputsByNodeName() {
    Symbol s = mlp784();
    assertThat(s.listArguments()).containsExactly("data", "fc1_weight", "fc1_bias",
        "fc2_weight", "fc2_bias", "fc3_weight", "fc3_bias", "softmax_label");
    assertThat(s.listOutputs()).containsExactly("softmax_output");
    assertThat(s.listAuxiliaryStates()).isEmpty();
    assertThat(s.name()).isEqualTo("softmax");
  }

  @Test
  void inferShapeDerivesWeightShapesFromTheDataShape() {
    InferredShapes shapes = mlp784().inferShape(Map.of("data", Shape.of(128, 784)));
    assertThat(shapes.arguments()).containsExactly(
        Map.entry("data", Shape.of(128, 784)),
        Map.entry("fc1_weight", Shape.of(256, 784)),
        Map.entry("fc1_bias", Shape.of(256)),
        Map.entry("fc2_weight", Shape.of(128, 256)),
        Map.entry("fc2_bias", Shape.of(128)),
        Map.entry("fc3_weight", Shape.of(10, 128)),
        Map.entry("fc3_bias", Shape.of(10)),
        Map.entry("softmax_label", Shape.of(128)));
    assertThat(shapes.outputs()).containsExactly(Shape.of(128, 10));
  }

  @Test
  void inconsistentShapesAreReportedNamingNodeAndInput() {
    assertThatThrownBy(() -> mlp784().inferShape(
            Map.of("data", Shape.of(128, 784), "fc2_weight", Shape.of(128, 100))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'fc2' (FullyConnected)")
        .hasMessageContaining("input 'weight'")
        .hasMessageContaining("(128, 100)")
        .hasMessageContaining("(128, 256)");
    assertThatThrownBy(() -> mlp784().inferShape(
            Map.of("data", Shape.of(128, 784), "softmax_label", Shape.of(64))))
        .hasMessageContaining("'softmax' (SoftmaxOutput)").hasMessageContaining("label");
  }

  @Test
  void unknownNamesAndUninferableShapesAreErrors() {
    assertThatThrownBy(() -> mlp784().inferShape(Map.of("input", Shape.of(1, 784))))
        .hasMessageContaining("unknown argument 'input'");
    assertThatThrownBy(() -> mlp784().inferShape(Map.of()))
        .hasMessageContaining("cannot infer").hasMessageContaining("fc1_weight");
    InferredShapes partial = mlp784().inferShapePartial(Map.of());
    assertThat(partial.isComplete()).isFalse();
    assertThat(partial.argument("fc1_weight")).isNull();
  }

  @Test
  void elementwiseShapesAreInferredBackwards() {
    Symbol a = Symbol.variable("a");
    Symbol b = Symbol.variable("b");
    Symbol s = Symbol.elemwiseAdd("sum", Symbol.activation("act", a, ActType.SIGMOID), b);
    InferredShapes shapes = s.inferShape(Map.of("b", Shape.of(3, 2)));
    assertThat(shapes.argument("a")).isEqualTo(Shape.of(3, 2));
  }

  @Test
  void autoNamesFollowMxnetsNameManager() {
    Symbol.resetAutoNames();
    Symbol x = Symbol.variable("x");
    Symbol fc0 = Symbol.fullyConnected(null, x, 3);
    Symbol fc1 = Symbol.fullyConnected(null, fc0, 3);
    Symbol act = Symbol.activation(null, fc1, ActType.RELU);
    Symbol sm = Symbol.softmaxOutput(null, act);
    assertThat(fc0.name()).isEqualTo("fullyconnected0");
    assertThat(fc1.name()).isEqualTo("fullyconnected1");
    assertThat(act.name()).isEqualTo("activation0");
    assertThat(sm.listArguments()).containsExactly("x", "fullyconnected0_weight",
        "fullyconnected0_bias", "fullyconnected1_weight", "fullyconnected1_bias",
        "softmaxoutput0_label");
  }

  @Test
  void genericCreateTakesTypedParametersAndNamedInputs() {
    Symbol x = Symbol.variable("x");
    Symbol w = Symbol.variable("shared_w");
    Symbol fc = Symbol.create(FullyConnected.OP, "fc",
        FullyConnected.Params.of(4).withNoBias(true), Map.of("data", x, "weight", w));
    assertThat(fc.listArguments()).containsExactly("x", "shared_w");
    assertThatThrownBy(() -> Symbol.create(FullyConnected.OP, "fc",
            FullyConnected.Params.of(4), Map.of("input", x)))
        .hasMessageContaining("unknown input 'input'");
    assertThatThrownBy(() -> Symbol.variable("v", Map.of("lr_mult", "1")))
        .hasMessageContaining("not a hidden");
  }

  @Test
  void groupsInternalsAndOutputSelection() {
    Symbol s = mlp784();
    Symbol internals = s.internals();
    assertThat(internals.listOutputs()).contains("fc1_output", "relu1_output", "data");
    Symbol fc2 = internals.get("fc2_output");
    assertThat(fc2.inferShape(Map.of("data", Shape.of(5, 784))).outputs())
        .containsExactly(Shape.of(5, 128));
    Symbol g = Symbol.group(fc2, s);
    assertThat(g.listOutputs()).containsExactly("fc2_output", "softmax_output");
    assertThatThrownBy(g::name).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Symbol.fullyConnected("fc", g, 2))
        .hasMessageContaining("2 outputs");
  }

  @Test
  void duplicateVariableNamesAreRejected() {
    Symbol s = Symbol.elemwiseAdd("sum", Symbol.variable("x"), Symbol.variable("x"));
    assertThatThrownBy(s::listArguments).hasMessageContaining("'x'");
  }
}
