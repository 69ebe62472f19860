package org.kindling.tensor.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.math.MathOps;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.op.nn.Normalization;
import org.kindling.tensor.op.nn.SoftmaxOutput;
import org.kindling.tensor.op.shape.Flatten;
import org.kindling.tensor.op.shape.Reshape;

class ParamParsingTest {
  @Test
  void absentKeysTakeMxnetDefaults() {
    FullyConnected.Params p =
        FullyConnected.OP.parseAttrs("fc1", Map.of("num_hidden", "10"));
    assertThat(p).isEqualTo(new FullyConnected.Params(10, false, true));
    SoftmaxOutput.Params s = SoftmaxOutput.OP.parseAttrs("softmax", Map.of());
    assertThat(s).isEqualTo(SoftmaxOutput.Params.defaults());
    assertThat(s.gradScale()).isEqualTo(1f);
    assertThat(s.ignoreLabel()).isEqualTo(-1f);
    assertThat(s.normalization()).isEqualTo(Normalization.NULL);
  }

  @Test
  void valuesUseMxnetAttributeSyntax() {
    FullyConnected.Params p = FullyConnected.OP.parseAttrs("fc",
        Map.of("num_hidden", "4", "no_bias", "True", "flatten", "false"));
    assertThat(p).isEqualTo(new FullyConnected.Params(4, true, false));
    SoftmaxOutput.Params s = SoftmaxOutput.OP.parseAttrs("sm",
        Map.of("grad_scale", "1e-05", "use_ignore", "1", "normalization", "valid",
            "ignore_label", "3"));
    assertThat(s.gradScale()).isEqualTo(1e-5f);
    assertThat(s.useIgnore()).isTrue();
    assertThat(s.normalization()).isEqualTo(Normalization.VALID);
    assertThat(s.ignoreLabel()).isEqualTo(3f);
  }

  @Test
  void hiddenKeysAreIgnored() {
    FullyConnected.Params p = FullyConnected.OP.parseAttrs("fc1",
        Map.of("num_hidden", "3", "__lr_mult__", "2", "__ctx_group__", "dev1"));
    assertThat(p.numHidden()).isEqualTo(3);
  }

  @Test
  void unknownKeyIsAnErrorNamingOperatorNodeAndKey() {
    assertThatThrownBy(() -> FullyConnected.OP.parseAttrs("fc1",
            Map.of("num_hidden", "3", "num_hiden", "4")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FullyConnected node 'fc1'")
        .hasMessageContaining("unknown parameter 'num_hiden'")
        .hasMessageContaining("num_hidden, no_bias, flatten");
  }

  @Test
  void missingRequiredAndBadValuesAreErrorsNamingTheParameter() {
    assertThatThrownBy(() -> FullyConnected.OP.parseAttrs("fc2", Map.of()))
        .hasMessageContaining("fc2").hasMessageContaining("required parameter 'num_hidden'");
    assertThatThrownBy(() -> FullyConnected.OP.parseAttrs("fc2",
            Map.of("num_hidden", "0")))
        .hasMessageContaining("num_hidden").hasMessageContaining(">= 1");
    assertThatThrownBy(() -> FullyConnected.OP.parseAttrs("fc2",
            Map.of("num_hidden", "2.5")))
        .hasMessageContaining("num_hidden").hasMessageContaining("'2.5'");
    assertThatThrownBy(() -> Activation.OP.parseAttrs("a1", Map.of("act_type", "gelu")))
        .hasMessageContaining("Activation node 'a1'")
        .hasMessageContaining("'relu'").hasMessageContaining("'gelu'");
    assertThatThrownBy(() -> FullyConnected.OP.parseAttrs("fc2",
            Map.of("num_hidden", "2", "no_bias", "yes")))
        .hasMessageContaining("no_bias");
  }

  @Test
  void toAttrsWritesRequiredAndNonDefaultParametersAsPythonWould() {
    assertThat(FullyConnected.OP.toAttrs(FullyConnected.Params.of(128)))
        .containsExactly(Map.entry("num_hidden", "128"));
    assertThat(FullyConnected.OP.toAttrs(
            FullyConnected.Params.of(8).withNoBias(true).withFlatten(false)))
        .containsExactly(Map.entry("flatten", "False"), Map.entry("no_bias", "True"),
            Map.entry("num_hidden", "8"));
    assertThat(SoftmaxOutput.OP.toAttrs(SoftmaxOutput.Params.defaults()
            .withGradScale(0.5f).withNormalization(Normalization.BATCH)))
        .containsExactly(Map.entry("grad_scale", "0.5"), Map.entry("normalization", "batch"));
    assertThat(Reshape.OP.toAttrs(Reshape.Params.of(-1)))
        .containsExactly(Map.entry("shape", "(-1,)"));
  }

  @Test
  void parsedAttrsRoundTripThroughToAttrs() {
    SoftmaxOutput.Params p = SoftmaxOutput.Params.defaults().withIgnoreLabel(0f)
        .withSmoothAlpha(0.1f).withMultiOutput(true);
    Map<String, String> attrs = SoftmaxOutput.OP.toAttrs(p);
    assertThat(SoftmaxOutput.OP.parseAttrs("s", attrs)).isEqualTo(p);
  }

  @Test
  void registryResolvesCanonicalNamesAndAliases() {
    assertThat(OpRegistry.find("Softmax")).contains(SoftmaxOutput.OP);
    assertThat(OpRegistry.find("flatten")).contains(Flatten.OP);
    assertThat(OpRegistry.find("_Plus")).contains(MathOps.ELEMWISE_ADD);
    assertThat(OpRegistry.find("_plus")).contains(MathOps.ELEMWISE_ADD);
    assertThat(OpRegistry.find("_add")).contains(MathOps.ELEMWISE_ADD);
    assertThat(OpRegistry.find("elemwise_add")).contains(MathOps.ELEMWISE_ADD);
    assertThat(OpRegistry.find("NoSuchOperator")).isEmpty();
  }
}
